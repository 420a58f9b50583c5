"""A live server on 127.0.0.1 driven by a raw-socket client, on both protocol twins."""
from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eggfast import Application

ROOT = Path(__file__).resolve().parents[2]


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict, bytes]:
    """Read exactly one response (Content-Length, chunked, or until close)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(": ")
            headers[name.lower()] = value
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2], 16)
            if size == 0:
                await reader.readexactly(2)
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    elif status in (204, 304):
        body = b""
    else:
        body = await asyncio.wait_for(reader.read(), 5)
    return status, headers, body


def build_app() -> Application:
    app = Application(silent=True)

    async def mw(ctx, next):
        await next()
        ctx.set("X-Onion", "1")

    app.use(mw)

    async def index(ctx):
        ctx.body = "hello"

    async def json_route(ctx):
        ctx.body = {"ok": True, "n": [1, 2]}

    async def echo(ctx):
        ctx.body = await ctx.request.read()

    async def stream(ctx):
        async def gen():
            for part in (b"one,", b"two,", b"three"):
                yield part
        ctx.body = gen()

    async def slow(ctx):
        await asyncio.sleep(0.2)
        ctx.body = "slow done"

    async def boom(ctx):
        ctx.set("X-Lost", "yes")
        raise RuntimeError("secret detail")

    async def bad_header(ctx):
        ctx.set("X-Evil", "a\r\nInjected: yes")
        ctx.body = "never"

    router = app.router
    router.get("/", index)
    router.get("/json", json_route)
    router.post("/echo", echo)
    router.get("/stream", stream)
    router.get("/slow", slow)
    router.get("/boom", boom)
    router.get("/bad-header", bad_header)
    return app


@pytest.fixture
async def server(protocol_twin):
    app = build_app()
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    yield srv
    srv.close()
    await srv.wait_closed()


async def connect(server):
    return await asyncio.open_connection("127.0.0.1", server.port)


async def test_keep_alive_serves_many_requests_on_one_connection(server):
    reader, writer = await connect(server)
    for _ in range(5):
        writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        status, headers, body = await read_response(reader)
        assert (status, body, headers["x-onion"]) == (200, b"hello", "1")
        assert headers["content-type"] == "text/plain; charset=utf-8"
    writer.close()


async def test_pipelining_in_order(server):
    reader, writer = await connect(server)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /json HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")
    bodies = [(await read_response(reader))[2] for _ in range(3)]
    assert bodies == [b"slow done", b'{"ok":true,"n":[1,2]}', b"hello"]
    writer.close()


async def test_chunked_request_and_streamed_response(server):
    reader, writer = await connect(server)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
    status, headers, body = await read_response(reader)
    assert (status, body) == (200, b"hello world")
    writer.write(b"GET /stream HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = await read_response(reader)
    assert headers["transfer-encoding"] == "chunked"
    assert body == b"one,two,three"
    writer.close()


async def test_not_found_and_405(server):
    reader, writer = await connect(server)
    writer.write(b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
    status, _, body = await read_response(reader)
    assert (status, body) == (404, b"Not Found")
    writer.write(b"DELETE / HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, _ = await read_response(reader)
    assert status == 405 and "GET" in headers["allow"]
    writer.close()


async def test_handler_error_is_500_without_its_headers_and_worker_keeps_serving(server):
    reader, writer = await connect(server)
    writer.write(b"GET /boom HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = await read_response(reader)
    assert status == 500 and body == b"Internal Server Error"
    assert "x-lost" not in headers and b"secret" not in body
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert (await read_response(reader))[0] == 200
    writer.close()


async def test_header_injection_refused_with_500(server):
    reader, writer = await connect(server)
    writer.write(b"GET /bad-header HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = await read_response(reader)
    assert status == 500 and "injected" not in headers and body != b"never"
    writer.close()


async def test_malformed_request_400_then_close(server):
    reader, writer = await connect(server)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
    status, headers, _ = await read_response(reader)
    assert status == 400 and headers["connection"] == "close"
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_head_has_length_but_no_body(server):
    reader, writer = await connect(server)
    writer.write(b"HEAD /json HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n")
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    assert b"Content-Length: 21" in head
    status, _, body = await read_response(reader)  # the next response follows directly
    assert (status, body) == (200, b"hello")
    writer.close()


async def test_expect_continue_over_socket(server):
    reader, writer = await connect(server)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5) == b"HTTP/1.1 100 Continue\r\n\r\n"
    writer.write(b"data")
    assert (await read_response(reader))[2] == b"data"
    writer.close()


async def test_graceful_close_finishes_in_flight_request(protocol_twin):
    app = build_app()
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
    idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", srv.port)
    writer.write(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
    await asyncio.sleep(0.05)
    srv.close()
    status, headers, body = await read_response(reader)
    assert (status, body, headers["connection"]) == (200, b"slow done", "close")
    assert await asyncio.wait_for(idle_reader.read(), 5) == b""  # idle connection closed
    await asyncio.wait_for(srv.wait_closed(), 5)
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", srv.port)
    writer.close()
    idle_writer.close()


async def test_graceful_close_reaches_a_connection_accepted_just_before_it(protocol_twin):
    """A connection accepted before close() whose connection_made runs after it (the loop calls it one
    turn after the accept) still finishes with Connection: close.  It used to be missed: under load
    (bench/chaos.py, SIGTERM) such a keep-alive connection was served until the kill timeout."""
    app = build_app()
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    loop = asyncio.get_running_loop()
    make = srv.protocol_class

    def accept_then_close(*args):
        protocol = make(*args)
        loop.call_soon(srv.close, 0.5)  # runs before this connection's connection_made
        return protocol

    srv.protocol_class = accept_then_close
    reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = await read_response(reader)
    assert (status, body, headers.get("connection")) == (200, b"hello", "close")
    assert await asyncio.wait_for(reader.read(), 5) == b""
    await asyncio.wait_for(srv.wait_closed(), 5)
    writer.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_example_answers_and_stops_on_sigterm():
    """What `make run` does: serve examples/hello, answer curl-like requests, exit 0 on SIGTERM."""
    import http.client

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "serve-example", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/")
                resp = conn.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert resp.status == 200 and resp.read() == b"Hello, eggfast!\n"
        secret = resp.getheader("set-cookie").split(";", 1)[0].split("=", 1)[1]  # csrfToken=<secret>
        conn.request("GET", "/json")
        resp = conn.getresponse()
        assert resp.getheader("content-type") == "application/json; charset=utf-8"
        assert resp.read() == b'{"message":"Hello, JSON","framework":"eggfast"}'
        conn.request("POST", "/echo", body=b"ping", headers={"Content-Type": "text/plain",
                                                             "Cookie": f"csrfToken={secret}", "x-csrf-token": secret})
        assert conn.getresponse().read() == b"ping"
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0, out.decode()


KOA_APP = """
import asyncio, sys
from eggfast.koa.application import Application

app = Application()

async def slow(ctx):
    await asyncio.sleep(0.5)
    ctx.body = "finished"

app.router.get("/slow", slow)
app.listen(int(sys.argv[1]), host="127.0.0.1")
print("closed cleanly", flush=True)
"""


def test_koa_listen_drains_in_flight_request_on_sigterm(tmp_path):
    """app.listen(): SIGTERM stops accepting, the in-flight request still gets its response, exit 0."""
    import http.client
    import threading

    script = tmp_path / "koa_app.py"
    script.write_text(KOA_APP)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(script), str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        result = {}

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/slow")
            resp = conn.getresponse()
            result["status"], result["body"], result["conn"] = resp.status, resp.read(), resp.getheader("connection")

        thread = threading.Thread(target=client)
        thread.start()
        time.sleep(0.2)  # the request is in flight
        proc.send_signal(signal.SIGTERM)
        thread.join(10)
        out, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert result == {"status": 200, "body": b"finished", "conn": "close"}
    assert proc.returncode == 0 and b"closed cleanly" in out, out.decode()


@pytest.fixture
async def tight_server(protocol_twin):
    """A live server with small limits and short timeouts, for the oversize and slow cases."""
    app = build_app()
    app.config.server = {"max_request_line": 256, "max_header_size": 512, "max_headers": 10,
                         "header_timeout": 0.3, "keep_alive_timeout": 0.3, "body_timeout": 0.3}

    async def big(ctx):
        async def chunks():
            for _ in range(64):
                yield b"x" * 65536
        ctx.body = chunks()

    app.router.get("/big", big)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    yield srv
    srv.close()
    await srv.wait_closed()


async def _status_then_eof(reader) -> tuple[int, bytes]:
    status, headers, _ = await read_response(reader)
    rest = await asyncio.wait_for(reader.read(), 5)
    return status, headers.get("connection"), rest


async def test_live_414_for_a_long_request_line(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"GET /" + b"a" * 400 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
    assert await _status_then_eof(reader) == (414, "close", b"")
    writer.close()


async def test_live_431_for_too_many_or_too_large_headers(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(20)) + b"\r\n")
    assert await _status_then_eof(reader) == (431, "close", b"")
    writer.close()
    reader, writer = await connect(tight_server)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"v" * 2000 + b"\r\n\r\n")
    assert (await _status_then_eof(reader))[0] == 431
    writer.close()


async def test_live_slow_headers_get_408(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n")  # and never the blank line
    started = time.monotonic()
    assert await _status_then_eof(reader) == (408, "close", b"")
    assert time.monotonic() - started < 3
    writer.close()


async def test_live_idle_keep_alive_is_closed(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
    assert (await read_response(reader))[0] == 200
    assert await asyncio.wait_for(reader.read(), 5) == b""  # closed after keep_alive_timeout
    writer.close()


async def test_live_slow_body_gets_408(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
    status, headers, _ = await read_response(reader)
    assert status == 408 and headers["connection"] == "close"
    writer.close()


async def test_live_http10_request(tight_server):
    reader, writer = await connect(tight_server)
    writer.write(b"GET / HTTP/1.0\r\n\r\n")
    data = await asyncio.wait_for(reader.read(), 5)
    assert data.startswith(b"HTTP/1.0 200 OK\r\n") and data.endswith(b"\r\n\r\nhello")
    writer.close()


async def test_live_large_streamed_response_to_a_slow_reader(tight_server):
    """4 MiB streamed while the client reads slowly: backpressure, nothing lost."""
    reader, writer = await connect(tight_server)
    writer.write(b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
    await asyncio.sleep(0.2)  # let the server hit its write high-water mark
    status, headers, body = await read_response(reader)
    assert status == 200 and headers["transfer-encoding"] == "chunked"
    assert len(body) == 64 * 65536 and set(body) == {ord("x")}
    writer.close()
