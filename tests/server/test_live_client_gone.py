"""Clients that go away mid-request, against a live server on 127.0.0.1, on both protocol twins.

Timeouts in these tests are left large (body_timeout 30 s) or set small
through config; every wait is bounded, and what is asserted is that the
server reacts to the client's doing, not how fast it runs.
"""
from __future__ import annotations

import asyncio
import logging

import pytest

from eggfast import Application

HEAD = b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"


class Seen:
    """What the handlers saw, with an event to wait on."""

    def __init__(self) -> None:
        self.errors: list[BaseException] = []
        self.event = asyncio.Event()

    def add(self, err: BaseException) -> None:
        self.errors.append(err)
        self.event.set()


async def wait_until(predicate, timeout: float = 2.0) -> bool:
    """Poll ``predicate`` for at most ``timeout`` seconds; its last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate() and loop.time() < deadline:
        await asyncio.sleep(0.01)
    return bool(predicate())


@pytest.fixture
async def upload_server(protocol_twin, caplog):
    """Not silent: an error the application would log shows up in caplog."""
    caplog.set_level(logging.DEBUG)
    seen = Seen()
    app = Application(config={"server": {"body_timeout": 30.0}})

    async def upload(ctx):
        try:
            ctx.body = await ctx.request.read()
        except BaseException as err:
            seen.add(err)
            raise

    async def upload_iter(ctx):
        size = 0
        try:
            async for chunk in ctx.request:
                size += len(chunk)
        except BaseException as err:
            seen.add(err)
            raise
        ctx.body = str(size)

    app.router.post("/upload", upload)
    app.router.post("/upload-iter", upload_iter)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    srv.seen = seen
    yield srv
    srv.close()
    await srv.wait_closed()


async def read_one(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """(status, body) of one response framed by Content-Length."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return int(head.split(b" ")[1]), await asyncio.wait_for(reader.readexactly(length), 5)


def logged_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


@pytest.mark.parametrize("path", ["/upload", "/upload-iter"])
async def test_half_close_mid_body_ends_the_request_at_once(upload_server, caplog, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", upload_server.port)
    writer.write(HEAD.replace(b"/upload", path.encode()) + b"x" * 1000)
    await writer.drain()
    await asyncio.sleep(0.05)  # the handler is reading the body
    writer.write_eof()  # shutdown(SHUT_WR): the body can never be complete
    # The server closes its side without answering: the client reads EOF, not a 408 after 30 s.
    assert await asyncio.wait_for(reader.read(), 2) == b""
    await asyncio.wait_for(upload_server.seen.event.wait(), 2)
    [err] = upload_server.seen.errors
    assert type(err) is ConnectionResetError
    assert await wait_until(lambda: not upload_server.connections)
    assert logged_errors(caplog) == []
    writer.close()


async def test_close_mid_body_ends_the_request_at_once(upload_server, caplog):
    reader, writer = await asyncio.open_connection("127.0.0.1", upload_server.port)
    writer.write(HEAD + b"x" * 1000)
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.close()  # a full close: the server sees EOF
    await writer.wait_closed()
    await asyncio.wait_for(upload_server.seen.event.wait(), 2)
    assert [type(e) for e in upload_server.seen.errors] == [ConnectionResetError]
    assert await wait_until(lambda: not upload_server.connections)
    assert logged_errors(caplog) == []


async def test_eof_before_the_handler_reads(protocol_twin, caplog):
    """The body is cut off while the handler is busy elsewhere: it is cancelled, the connection closes."""
    caplog.set_level(logging.DEBUG)
    started, cancelled = asyncio.Event(), asyncio.Event()
    app = Application()

    async def later(ctx):
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        ctx.body = await ctx.request.read()

    app.router.post("/upload", later)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
        writer.write(HEAD + b"x" * 1000)
        await asyncio.wait_for(started.wait(), 2)
        writer.write_eof()
        assert await asyncio.wait_for(reader.read(), 2) == b""
        await asyncio.wait_for(cancelled.wait(), 2)
        assert await wait_until(lambda: not srv.connections)
        assert logged_errors(caplog) == []
        writer.close()
    finally:
        srv.close()
        await srv.wait_closed()


async def test_complete_body_then_half_close_is_still_answered(upload_server):
    """Half-closing after a whole request is fine: it is answered, then the connection closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", upload_server.port)
    writer.write(b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
    writer.write_eof()
    data = await asyncio.wait_for(reader.read(), 2)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"\r\n\r\nhello")
    assert upload_server.seen.errors == []
    writer.close()


# --- a client that stops reading ------------------------------------------------------


async def test_send_timeout_aborts_a_client_that_stops_reading(protocol_twin, caplog):
    """A streamed response nobody reads: after send_timeout without progress the connection
    is aborted and the handler cancelled (the fd, the send queue and the task are released)."""
    import socket

    from eggfast.server import Server

    caplog.set_level(logging.DEBUG)
    app = Application(config={"server": {"send_timeout": 0.5}})
    produced = []
    closed_gen = asyncio.Event()

    async def big(ctx):
        async def chunks():
            try:
                while True:
                    produced.append(65536)
                    yield b"x" * 65536
            finally:
                closed_gen.set()

        ctx.body = chunks()

    app.router.get("/big", big)
    cancelled = asyncio.Event()

    async def handler(raw, stream):
        try:
            await app.handler(raw, stream)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    app.callback()
    srv = await Server(handler, app.limits, protocol_twin.HttpProtocol).start("127.0.0.1", 0)
    loop = asyncio.get_running_loop()
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
    client.setblocking(False)
    try:
        await loop.sock_connect(client, ("127.0.0.1", srv.port))
        await loop.sock_sendall(client, b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
        # The client never reads: the server's buffers fill, writing pauses, and then nothing moves.
        await asyncio.wait_for(cancelled.wait(), 5)
        await asyncio.wait_for(closed_gen.wait(), 2)
        assert await wait_until(lambda: not srv.connections)
        assert sum(produced) < 64 * 1024 * 1024  # it stopped producing long before anything unbounded
        # The client finds the connection gone: reset, or EOF once what it holds is read.
        ended = False
        deadline = loop.time() + 5
        while loop.time() < deadline:
            try:
                data = await asyncio.wait_for(loop.sock_recv(client, 65536), 1)
            except ConnectionResetError:
                ended = True
                break
            except asyncio.TimeoutError:
                continue
            if not data:
                ended = True
                break
        assert ended
        assert logged_errors(caplog) == []
    finally:
        client.close()
        srv.close()
        await srv.wait_closed()


async def test_a_slow_reader_that_keeps_reading_is_not_cut_off(protocol_twin):
    """Progress, however slow, is not a stall: a client that reads a little every 50 ms for
    1.5 s (three send_timeouts) while the server's writing is paused gets it all."""
    import socket

    pauses = []

    class Recording(protocol_twin.HttpProtocol):
        def pause_writing(self):
            pauses.append(self.transport.get_write_buffer_size())
            super().pause_writing()

    app = Application(config={"server": {"send_timeout": 0.5}})

    async def big(ctx):
        async def chunks():
            for _ in range(64):
                yield b"y" * 65536

        ctx.body = chunks()

    app.router.get("/big", big)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=Recording)
    loop = asyncio.get_running_loop()
    client = socket.socket()
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.setblocking(False)
    try:
        await loop.sock_connect(client, ("127.0.0.1", srv.port))
        await loop.sock_sendall(client, b"GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        got = 0
        for _ in range(30):  # the slow phase: 1.5 s
            await asyncio.sleep(0.05)
            got += len(await asyncio.wait_for(loop.sock_recv(client, 65536), 5))
        assert pauses  # the server was held back by this reader
        while True:
            data = await asyncio.wait_for(loop.sock_recv(client, 1 << 20), 5)
            if not data:
                break
            got += len(data)
        assert got > 64 * 65536  # the whole chunked body, plus head and framing
    finally:
        client.close()
        srv.close()
        await srv.wait_closed()


# --- the default bound of a whole-body read, end to end -------------------------------


@pytest.mark.parametrize("framing", ["length", "chunked"])
async def test_live_read_over_max_body_size_is_413_naming_the_key(protocol_twin, framing):
    app = Application(silent=True, config={"server": {"max_body_size": 1000}})

    async def echo(ctx):
        ctx.body = await ctx.request.read()

    app.router.post("/echo", echo)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
        body = b"x" * 2000
        if framing == "length":
            writer.write(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" + body)
        else:
            writer.write(b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"3e8\r\n" + body[:1000] + b"\r\n3e8\r\n" + body[1000:] + b"\r\n0\r\n\r\n")
        status, text = await read_one(reader)
        assert status == 413
        assert text == b"Request body larger than 1000 bytes (config.server.max_body_size)"
        writer.close()
    finally:
        srv.close()
        await srv.wait_closed()


async def test_live_body_parser_without_its_own_limit_is_bounded_by_max_body_size(protocol_twin):
    from eggfast.app.middleware import body_parser

    app = Application(silent=True, config={"server": {"max_body_size": 100}})
    app.use(body_parser.middleware({"json_limit": None}, app))

    async def show(ctx):
        ctx.body = {"got": ctx.request.body}

    app.use(show)
    srv = await app.create_server("127.0.0.1", 0, protocol_class=protocol_twin.HttpProtocol)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", srv.port)
        payload = b'{"a": "' + b"x" * 200 + b'"}'
        writer.write(b"POST / HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                     % len(payload) + payload)
        status, text = await read_one(reader)
        assert status == 413
        assert text == b"Request body larger than 100 bytes (config.server.max_body_size)"
        writer.close()
    finally:
        srv.close()
        await srv.wait_closed()
