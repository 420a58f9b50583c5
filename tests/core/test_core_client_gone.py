"""A client that has gone away is not an application error, on both core twins."""
from __future__ import annotations

from eggfast.plugins.onerror.handler import onerror as egg_onerror


def test_disconnect_error_on_a_closed_stream_is_not_emitted(app, make_ctx, stream_cls):
    ctx = make_ctx(stream=stream_cls(writable=False))
    ctx.onerror(ConnectionResetError("client closed the connection"))
    assert app.errors == []
    assert ctx.response.stream.calls == []


def test_egg_onerror_does_not_emit_the_disconnect_either(app, make_ctx, stream_cls):
    ctx = make_ctx(stream=stream_cls(writable=False))
    egg_onerror(ctx, ConnectionResetError("client closed the connection"))
    assert app.errors == [] and ctx.response.stream.calls == []


def test_other_errors_on_a_closed_stream_are_still_emitted(app, make_ctx, stream_cls):
    ctx = make_ctx(stream=stream_cls(writable=False))
    err = RuntimeError("late")
    ctx.onerror(err)
    assert app.errors == [(err, ctx)] and err.header_sent is True


def test_a_reset_while_the_client_is_still_there_is_a_500(app, make_ctx):
    """Only a stream the client has left makes ConnectionResetError the client's doing."""
    ctx = make_ctx()
    err = ConnectionResetError("an upstream service reset")
    ctx.onerror(err)
    assert app.errors == [(err, ctx)]
    assert ctx.response.stream.status == 500
