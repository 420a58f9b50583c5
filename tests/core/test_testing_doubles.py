"""eggfast.testing: the public fakes drive the real core, on both context twins."""
from __future__ import annotations

import pytest

from eggfast.errors import InvalidHeaderError
from eggfast.testing import BytesBody, RecordingStream, make_raw


async def test_recording_stream_sees_what_the_core_writes(app):
    async def hello(ctx, next):
        ctx.body = {"echo": (await ctx.request.read()).decode()}

    app.use(hello)
    stream = RecordingStream()
    await app.handler(make_raw("POST", "/x", body=b"hi", headers={"Content-Type": "text/plain"}), stream)
    assert stream.status == 200 and stream.calls == ["send"] and stream.ended
    assert stream.text == '{"echo":"hi"}' and stream.header("content-type") == "application/json; charset=utf-8"


def test_recording_stream_refuses_what_the_writer_refuses():
    with pytest.raises(InvalidHeaderError):
        RecordingStream().send(200, "OK", [("x", "a\r\nb")], b"")


async def test_bytes_body_reads_whole_and_in_chunks():
    body = BytesBody(chunks=[b"a", b"b"])
    assert await body.read() == b"ab"
    assert [c async for c in body] == [b"a", b"b"]


async def test_the_module_docstring_example_runs():
    import textwrap

    import eggfast.testing

    doc = eggfast.testing.__doc__
    example = textwrap.dedent(doc[doc.index("    from eggfast import"):])
    source = "async def example():\n" + textwrap.indent(example, "    ")
    namespace: dict = {}
    exec(compile(source, "eggfast.testing docstring", "exec"), namespace)
    await namespace["example"]()
