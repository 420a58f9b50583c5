"""All core middleware + onerror + loggers on a live server (raw sockets), as the framework stacks them."""
from __future__ import annotations

import asyncio

import orjson
import pytest

from eggfast.app.middleware import body_parser, meta, notfound, override_method, site_file
from eggfast.koa.application import Application
from eggfast.defaults import CONFIG
from eggfast.logger import close_loggers, setup_loggers
from eggfast.plugins.onerror.handler import install_onerror

CORE = [("meta", meta), ("site_file", site_file), ("notfound", notfound),
        ("body_parser", body_parser), ("override_method", override_method)]


async def exchange(port: int, request: bytes) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(": ")
                headers[name.lower()] = value
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return int(lines[0].split(" ")[1]), headers, body
    finally:
        writer.close()


def post(path: str, body: bytes, ctype: str = "application/json", extra: str = "") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Type: {ctype}\r\nAccept: application/json\r\n"
            f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n").encode() + body


@pytest.fixture
async def server(tmp_path):
    app = Application({"env": "prod", "name": "live", "logger": {"dir": str(tmp_path)}})
    setup_loggers(app)
    install_onerror(app)
    for name, module in CORE:
        app.use(module.middleware(CONFIG[name], app))

    async def routes(ctx, next):
        if ctx.path == "/echo":
            ctx.logger.info("echo %s", ctx.method)
            ctx.body = {"method": ctx.method, "body": ctx.request.body}
        elif ctx.path == "/boom":
            raise RuntimeError("secret internals")

    app.use(routes)
    srv = await app.create_server("127.0.0.1", 0)
    yield app, srv.port, tmp_path
    srv.close()
    await srv.wait_closed()
    close_loggers(app)


async def test_stack_json_post_with_override(server):
    app, port, logs = server
    status, headers, body = await exchange(port, post("/echo", b'{"_method":"PUT","a":[1]}'))
    assert status == 200
    assert orjson.loads(body) == {"method": "PUT", "body": {"_method": "PUT", "a": [1]}}
    assert float(headers["x-readtime"]) >= 0
    assert "echo PUT" in (logs / "live-web.log").read_text()
    assert "/-/" in (logs / "live-web.log").read_text()


async def test_stack_notfound_and_favicon(server):
    _, port, _ = server
    status, headers, body = await exchange(port, b"GET /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 404 and body == b"<h1>404 Not Found</h1>"
    assert "x-readtime" in headers
    status, headers, _ = await exchange(port, b"GET /favicon.ico HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert status == 302 and headers["location"] == "https://eggjs.org/favicon.png"


async def test_stack_limits_and_errors(server):
    _, port, logs = server
    big = b'{"a":"' + b"x" * (1 << 20) + b'"}'
    status, _, body = await exchange(port, post("/echo", big))
    assert status == 413
    assert orjson.loads(body)["message"] == "request entity too large: body_parser.json_limit is 1mb"
    status, _, body = await exchange(port, post("/echo", b'{"a":'))
    assert status == 400 and orjson.loads(body)["message"] == "Problems parsing JSON"
    status, _, body = await exchange(port, post("/boom", b"{}"))
    assert status == 500 and orjson.loads(body) == {"message": "Internal Server Error"}
    errors = (logs / "common-error.log").read_text()
    assert "RuntimeError: secret internals" in errors and "POST /boom]" in errors
    web = (logs / "live-web.log").read_text()
    assert "WARN" in web and "request entity too large" in web
