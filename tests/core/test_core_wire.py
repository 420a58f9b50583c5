"""The core objects behind the real HTTP/1.1 protocol (pure twin): bytes in, bytes out."""
from __future__ import annotations

import asyncio
from typing import Any

from eggfast.server._protocol_py import HttpProtocol
from eggfast.koa.application import Application
from eggfast.server.limits import ServerLimits


class _Transport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()
        self.closed = False
        self.protocol: Any = None

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("10.1.2.3", 4000), "sockname": ("127.0.0.1", 7001)}.get(name, default)

    def write(self, data: bytes) -> None:
        self.data += data

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            asyncio.get_event_loop().call_soon(self.protocol.connection_lost, None)

    abort = close

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def exchange(app: Application, request: bytes) -> tuple[str, dict[str, str], bytes, _Transport]:
    transport = _Transport()
    protocol = HttpProtocol(app.callback(), asyncio.get_running_loop(), ServerLimits(), None)
    transport.protocol = protocol
    protocol.connection_made(transport)
    protocol.data_received(request)
    for _ in range(50):
        await asyncio.sleep(0)
    head, _, body = bytes(transport.data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(": ")
        headers.setdefault(name.lower(), value)
    if not transport.closed:
        transport.close()
        await asyncio.sleep(0)
    return lines[0], headers, body, transport


def app_with(mw) -> Application:
    app = Application(silent=True)
    app.on("error", lambda *a: None)
    app.use(mw)
    return app


async def test_json_on_the_wire():
    async def mw(ctx, next):
        ctx.body = {"ip": ctx.ip, "path": ctx.path}

    status, headers, body, _ = await exchange(app_with(mw), b"GET /x?a=1 HTTP/1.1\r\nHost: h\r\n\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert body == b'{"ip":"10.1.2.3","path":"/x"}'
    assert headers["content-length"] == str(len(body))


async def test_204_has_no_length_on_the_wire():
    async def mw(ctx, next):
        ctx.body = None

    status, headers, body, _ = await exchange(app_with(mw), b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert status == "HTTP/1.1 204 No Content"
    assert "content-length" not in headers and "content-type" not in headers
    assert body == b""


async def test_head_on_the_wire():
    async def mw(ctx, next):
        ctx.body = "你好"

    status, headers, body, _ = await exchange(app_with(mw), b"HEAD / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-length"] == "6"
    assert body == b""


async def test_streamed_body_is_chunked():
    async def gen():
        yield b"ab"
        yield b"cd"

    async def mw(ctx, next):
        ctx.body = gen()

    status, headers, body, _ = await exchange(app_with(mw), b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert headers["transfer-encoding"] == "chunked"
    assert body == b"2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n"


async def test_header_injection_becomes_500_on_the_wire():
    async def mw(ctx, next):
        ctx.set("X-Bad", "v\r\nSet-Cookie: a=1")
        ctx.body = "ok"

    status, headers, body, _ = await exchange(app_with(mw), b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert status == "HTTP/1.1 500 Internal Server Error"
    assert "x-bad" not in headers and "set-cookie" not in headers
    assert body == b"Internal Server Error"


async def test_stream_error_closes_the_connection():
    async def gen():
        yield b"partial"
        raise RuntimeError("broken")

    async def mw(ctx, next):
        ctx.body = gen()

    status, headers, body, transport = await exchange(app_with(mw), b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert body.startswith(b"7\r\npartial\r\n")
    assert not body.endswith(b"0\r\n\r\n")  # never looks complete
    assert transport.closed
