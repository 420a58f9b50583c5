"""respond(ctx): what reaches the stream for every kind of body."""
from __future__ import annotations

import io

import orjson
import pytest

from eggfast.errors import InvalidHeaderError
from eggfast.koa.respond import CHUNK_SIZE


def respond(ctx):
    """``respond()`` of the core twin that ctx's app is built on (both twins run)."""
    return ctx.app.context_twin.respond.respond(ctx)


async def test_string_body(make_ctx):
    ctx = make_ctx()
    ctx.body = "你好"
    await respond(ctx)
    s = ctx.response.stream
    assert s.calls == ["send"]
    assert s.status == 200 and s.reason == "OK"
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") == "6"
    assert s.body == "你好".encode()


async def test_html_body(make_ctx):
    ctx = make_ctx()
    ctx.body = "<p>x"
    await respond(ctx)
    assert ctx.response.stream.header("Content-Type") == "text/html; charset=utf-8"


async def test_bytes_body(make_ctx):
    ctx = make_ctx()
    ctx.body = b"\x00\xff"
    await respond(ctx)
    s = ctx.response.stream
    assert s.body == b"\x00\xff"
    assert s.header("Content-Type") == "application/octet-stream"
    assert s.header("Content-Length") == "2"


async def test_json_body_compact(make_ctx):
    ctx = make_ctx()
    ctx.body = {"a": 1, "b": [1, 2], "c": "你"}
    await respond(ctx)
    s = ctx.response.stream
    assert s.body == b'{"a":1,"b":[1,2],"c":"\xe4\xbd\xa0"}'
    assert s.header("Content-Type") == "application/json; charset=utf-8"
    assert s.header("Content-Length") == str(len(s.body))
    assert orjson.loads(s.body) == {"a": 1, "b": [1, 2], "c": "你"}


async def test_unserializable_json_raises_before_sending(make_ctx):
    ctx = make_ctx()
    ctx.body = {"x": object()}
    with pytest.raises(TypeError):
        await respond(ctx)
    assert ctx.response.stream.calls == []


async def test_default_404(make_ctx):
    ctx = make_ctx()
    await respond(ctx)
    s = ctx.response.stream
    assert s.status == 404
    assert s.body == b"Not Found"
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") == "9"


async def test_status_without_body_sends_message(make_ctx):
    ctx = make_ctx()
    ctx.status = 201
    await respond(ctx)
    s = ctx.response.stream
    assert (s.status, s.body) == (201, b"Created")
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") == "7"


async def test_custom_message_and_unknown_status(make_ctx):
    ctx = make_ctx()
    ctx.status = 299
    await respond(ctx)
    assert ctx.response.stream.body == b"299"
    ctx = make_ctx()
    ctx.status = 200
    ctx.message = "Fine"
    await respond(ctx)
    assert (ctx.response.stream.reason, ctx.response.stream.body) == ("Fine", b"Fine")


async def test_null_body_is_204(make_ctx):
    ctx = make_ctx()
    ctx.type = "json"
    ctx.body = None
    await respond(ctx)
    s = ctx.response.stream
    assert s.status == 204
    assert s.body == b""
    assert s.header("Content-Type") is None
    assert s.header("Content-Length") is None


async def test_null_body_then_status_200_is_empty(make_ctx):
    ctx = make_ctx()
    ctx.body = None
    ctx.status = 200
    await respond(ctx)
    s = ctx.response.stream
    assert s.status == 200
    assert s.body == b""
    assert s.header("Content-Type") is None
    assert s.header("Content-Length") == "0"


@pytest.mark.parametrize("status", [204, 205, 304])
async def test_empty_statuses_strip_body(make_ctx, status):
    ctx = make_ctx()
    ctx.body = "hello"
    ctx.response._status = status  # body set, then status forced without the setter's cleanup
    await respond(ctx)
    s = ctx.response.stream
    assert s.status == status and s.body == b""
    assert s.header("Content-Type") is None
    if status != 205:
        assert s.header("Content-Length") is None


async def test_head_keeps_length_without_body(make_ctx):
    ctx = make_ctx("HEAD", "/")
    ctx.body = {"a": 1}
    await respond(ctx)
    s = ctx.response.stream
    assert s.status == 200
    assert s.body == b""
    assert s.header("Content-Length") == str(len(b'{"a":1}'))
    assert s.header("Content-Type") == "application/json; charset=utf-8"


async def test_head_with_string_and_no_body(make_ctx):
    ctx = make_ctx("HEAD", "/")
    ctx.body = "你好"
    await respond(ctx)
    assert ctx.response.stream.header("Content-Length") == "6"
    assert ctx.response.stream.body == b""
    ctx = make_ctx("HEAD", "/")
    await respond(ctx)
    s = ctx.response.stream
    assert (s.status, s.body, s.header("Content-Length")) == (404, b"", "9")


async def test_head_with_stream_closes_it(make_ctx):
    ctx = make_ctx("HEAD", "/")
    f = io.BytesIO(b"data")
    ctx.body = f
    await respond(ctx)
    assert f.closed
    assert ctx.response.stream.header("Content-Length") is None


async def test_async_generator_streams(make_ctx):
    closed = []

    async def gen():
        try:
            yield b"a"
            yield "b"
            yield b""
            yield bytearray(b"c")
        finally:
            closed.append(True)

    ctx = make_ctx()
    ctx.body = gen()
    await respond(ctx)
    s = ctx.response.stream
    assert s.calls == ["start", "write", "write", "write", "end"]
    assert s.body == b"abc"
    assert s.header("Content-Length") is None
    assert s.header("Content-Type") == "application/octet-stream"
    assert closed == [True]


async def test_async_iterator_object(make_ctx):
    class Counter:
        def __init__(self):
            self.n = 0

        def __aiter__(self):
            return self

        async def __anext__(self):
            self.n += 1
            if self.n > 3:
                raise StopAsyncIteration
            return str(self.n).encode()

    ctx = make_ctx()
    ctx.body = Counter()
    await respond(ctx)
    assert ctx.response.stream.body == b"123"


async def test_file_object_streams_in_chunks_and_closes(make_ctx):
    data = b"x" * (CHUNK_SIZE * 2 + 10)
    f = io.BytesIO(data)
    ctx = make_ctx()
    ctx.body = f
    await respond(ctx)
    s = ctx.response.stream
    assert s.calls == ["start", "write", "write", "write", "end"]
    assert [len(c) for c in s.chunks] == [CHUNK_SIZE, CHUNK_SIZE, 10]
    assert s.body == data
    assert f.closed


async def test_async_file_object(make_ctx):
    class AsyncFile:
        def __init__(self, data):
            self._buf = io.BytesIO(data)
            self.closed = False

        async def read(self, n=-1):
            return self._buf.read(n)

        async def close(self):
            self.closed = True

    f = AsyncFile(b"hello")
    ctx = make_ctx()
    ctx.body = f
    await respond(ctx)
    assert ctx.response.stream.body == b"hello"
    assert f.closed


async def test_stream_with_preset_length(make_ctx):
    ctx = make_ctx()
    ctx.length = 5
    ctx.body = io.BytesIO(b"hello")
    await respond(ctx)
    assert ctx.response.stream.header("Content-Length") == "5"


async def test_stream_error_propagates_after_head(make_ctx):
    async def gen():
        yield b"a"
        raise RuntimeError("boom")

    ctx = make_ctx()
    ctx.body = gen()
    with pytest.raises(RuntimeError, match="boom"):
        await respond(ctx)
    assert ctx.response.stream.headers_sent


async def test_respond_false_bypasses(make_ctx):
    ctx = make_ctx()
    ctx.body = "x"
    ctx.respond = False
    await respond(ctx)
    assert ctx.response.stream.calls == []


async def test_not_writable_returns(make_ctx, stream_cls):
    ctx = make_ctx(stream=stream_cls(writable=False))
    ctx.body = "x"
    await respond(ctx)
    assert ctx.response.stream.calls == []


async def test_invalid_header_propagates(make_ctx):
    ctx = make_ctx()
    ctx.set("X-Bad", "a\r\nInjected: 1")
    ctx.body = "x"
    with pytest.raises(InvalidHeaderError):
        await respond(ctx)
    assert not ctx.response.stream.headers_sent


async def test_content_length_is_the_real_length(make_ctx):
    ctx = make_ctx()
    ctx.body = "hello"
    ctx.length = 99
    await respond(ctx)
    assert ctx.response.stream.header("Content-Length") == "5"


async def test_multi_value_headers_are_separate_lines(make_ctx):
    ctx = make_ctx()
    ctx.append("Set-Cookie", "a=1")
    ctx.append("Set-Cookie", "b=2")
    ctx.body = "x"
    await respond(ctx)
    assert ctx.response.stream.header_values("Set-Cookie") == ["a=1", "b=2"]


async def test_flushed_headers_then_body(make_ctx):
    ctx = make_ctx()
    ctx.body = "hello"
    ctx.flush_headers()
    ctx.set("X-Late", "ignored")
    await respond(ctx)
    s = ctx.response.stream
    assert s.calls == ["start", "write", "end"]
    assert s.body == b"hello"
    assert s.header("X-Late") is None
