"""Request framing, a client gone mid-body, the send deadline, body bounds and response
bytes, on both protocol twins (mock transport)."""
from __future__ import annotations

import asyncio

import pytest

from wire import Conn, MockTransport, parse_responses

from eggfast.server import _protocol_py
from eggfast.server.limits import ServerLimits

GET = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", id="chunked"),
        pytest.param(b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                     id="chunked-keep-alive"),
        pytest.param(b"POST / HTTP/1.0\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n", id="lower-case"),
        pytest.param(b"GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", id="get"),
    ],
)
async def test_transfer_encoding_in_http10_is_400_and_close(make_conn, raw):
    """RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing."""
    served = []

    async def handler(raw_request, stream):
        served.append(raw_request.target)
        stream.send(200, None, [], b"served")

    conn = make_conn(handler)
    conn.feed(raw)
    await conn.settle()
    data = conn.transport.take()
    responses = parse_responses(data)
    assert [r[0] for r in responses] == [400], data
    assert responses[0][1]["connection"] == "close"
    assert conn.transport.closed
    assert served == []


async def test_transfer_encoding_in_http10_after_a_good_request(make_conn):
    """The request before it is answered; the faulty one gets the 400, then the close."""
    conn = make_conn()
    conn.feed(b"GET /first HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
              b"POST /second HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    await conn.settle()
    responses = parse_responses(conn.transport.take())
    assert [(r[0], r[2]) for r in responses] == [(200, b"GET /first 0"), (400, b"Bad Request")]
    assert conn.transport.closed


async def test_http10_with_content_length_still_served(make_conn):
    conn = make_conn()
    conn.feed(b"POST /p HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")
    await conn.settle()
    [(status, _, body)] = parse_responses(conn.transport.take())
    assert (status, body) == (200, b"POST /p 3 abc")


# --- the client ends its side in the middle of a request body ---------------------


async def test_eof_mid_body_fails_the_read_and_closes(make_conn):
    seen = []

    async def handler(raw, stream):
        try:
            await raw.body.read()
        except Exception as err:
            seen.append(err)
            stream.send(500, None, [], b"never written")

    conn = make_conn(handler, body_timeout=30.0)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
    await conn.settle()
    assert conn.protocol.eof_received() is False
    await conn.settle()
    assert [type(e) for e in seen] == [ConnectionResetError]
    assert conn.transport.closed and conn.transport.take() == b""


async def test_disconnect_while_reading_fails_the_read_instead_of_cancelling(make_conn):
    seen = []

    async def handler(raw, stream):
        try:
            async for _ in raw.body:
                pass
        except BaseException as err:
            seen.append(type(err))
            raise

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
    await conn.settle()
    conn.disconnect()
    await conn.settle()
    assert seen == [ConnectionResetError]


async def test_eof_mid_body_of_a_queued_request_answers_the_earlier_ones(make_conn):
    gate = asyncio.Event()
    served = []

    async def handler(raw, stream):
        served.append(raw.target)
        if raw.target == "/first":
            await gate.wait()
        stream.send(200, None, [], raw.target.encode())

    conn = make_conn(handler, body_timeout=30.0)
    conn.feed(b"GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
              b"POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    await conn.settle()
    assert conn.protocol.eof_received() is True  # still answering /first
    gate.set()
    await conn.settle()
    [(status, headers, body)] = parse_responses(conn.transport.take())
    assert (status, body, headers["connection"]) == (200, b"/first", "close")
    assert served == ["/first"] and conn.transport.closed


# --- the send deadline ------------------------------------------------------------------


async def test_close_waiting_on_unsent_data_is_aborted_after_send_timeout(make_conn):
    conn = make_conn(send_timeout=0.1)
    conn.transport.write_buffer_size = 5000  # the client stopped reading
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await conn.settle()
    assert conn.transport.closed and not conn.transport.aborted  # close() waits for the flush
    await conn.until(lambda: conn.transport.aborted, 2)
    assert conn.transport.aborted
    await conn.settle()
    assert conn.protocol._send_timer is None  # connection_lost ended the watch


async def test_progress_keeps_a_paused_connection_and_a_stall_aborts_it(make_conn):
    events = []

    async def handler(raw, stream):
        stream.start(200, None, [])
        try:
            await stream.write(b"x" * 100)
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    conn = make_conn(handler, send_timeout=0.2)
    conn.transport.write_buffer_size = 100000
    conn.protocol.pause_writing()  # over the high-water mark
    conn.feed(GET)
    for left in (90000, 80000, 70000, 60000):  # the client reads, slowly: 0.4 s > send_timeout
        await asyncio.sleep(0.1)
        conn.transport.flushed_to(left)
    assert not conn.transport.aborted and events == []
    await conn.until(lambda: events, 2)  # then it stops reading
    assert conn.transport.aborted and events == ["cancelled"]


async def test_resumed_writing_ends_the_watch(make_conn):
    conn = make_conn(send_timeout=0.05)
    conn.transport.write_buffer_size = 100000
    conn.protocol.pause_writing()
    conn.transport.flushed_to(1000)
    conn.protocol.resume_writing()
    await asyncio.sleep(0.15)
    assert not conn.transport.aborted and not conn.transport.closed


# --- response bytes: a large body goes to the transport as it is ---------------------

LARGE = bytes(range(256)) * 4096  # 1 MiB
SMALL = b"small body"
_DATE_LINE = b"Date: "


class RecordingTransport(MockTransport):
    """Keeps every buffer handed over, as given (``writelines`` included)."""

    def __init__(self) -> None:
        super().__init__()
        self.buffers: list = []

    def write(self, data) -> None:
        self.buffers.append(data)
        super().write(data)

    def writelines(self, list_of_data) -> None:
        for data in list_of_data:
            self.write(data)


def _conn(protocol_class, handler) -> Conn:
    conn = Conn.__new__(Conn)
    conn.loop = asyncio.get_event_loop()
    conn.transport = RecordingTransport()
    conn.protocol = protocol_class(handler, conn.loop, ServerLimits(), None)
    conn.transport.protocol = conn.protocol
    conn.protocol.connection_made(conn.transport)
    return conn


def _handlers(body: bytes) -> dict:
    async def whole(raw, stream):  # the usual path: Content-Length stated, as respond() does
        stream.send(200, None, [("Content-Type", "application/octet-stream"), ("Content-Length", str(len(body)))], body)

    async def general(raw, stream):  # the server states the length
        stream.send(201, "Made", [("X-Kind", "general")], body)

    async def streamed(raw, stream):  # chunked
        stream.start(200, None, [("Content-Type", "application/octet-stream")])
        await stream.write(body)
        await stream.write(b"tail")
        stream.end()

    async def streamed_length(raw, stream):  # a streamed body with its length set by the user
        stream.start(200, None, [("Content-Length", str(len(body)))])
        await stream.write(body)
        stream.end()

    return {"whole": whole, "general": general, "streamed": streamed, "streamed_length": streamed_length}


_REQUESTS = {
    "1.1": b"GET /r HTTP/1.1\r\nHost: x\r\n\r\n",
    "1.0": b"GET /r HTTP/1.0\r\n\r\n",
}


async def _wire(protocol_class, handler, request: bytes) -> tuple[bytes, list]:
    conn = _conn(protocol_class, handler)
    conn.feed(request)
    await conn.settle()
    data = bytes(conn.transport.data)
    # The one line that may differ between two runs: the Date (a second may pass).
    start = data.index(_DATE_LINE)
    end = data.index(b"\r\n", start)
    return data[:start] + b"Date: -" + data[end:], conn.transport.buffers


@pytest.mark.parametrize("version", ["1.1", "1.0"])
@pytest.mark.parametrize("kind", ["whole", "general", "streamed", "streamed_length"])
@pytest.mark.parametrize("body", [pytest.param(SMALL, id="small"), pytest.param(LARGE, id="large")])
async def test_both_twins_put_the_same_bytes_on_the_wire(kind, version, body):
    py = _protocol_py.HttpProtocol
    c = pytest.importorskip("eggfast.server._protocol_c").HttpProtocol
    handler = _handlers(body)[kind]
    wire_py, _ = await _wire(py, handler, _REQUESTS[version])
    wire_c, _ = await _wire(c, handler, _REQUESTS[version])
    assert wire_py == wire_c
    head, _, rest = wire_py.partition(b"\r\n\r\n")
    assert body in rest
    [(status, headers, got)] = parse_responses(wire_py)
    expect = body + b"tail" if kind == "streamed" else body
    assert got == expect or (version == "1.0" and kind == "streamed" and rest == expect)


@pytest.mark.parametrize("kind", ["whole", "general", "streamed", "streamed_length"])
async def test_a_large_body_is_handed_to_the_transport_without_a_copy(protocol_twin, kind):
    _, buffers = await _wire(protocol_twin.HttpProtocol, _handlers(LARGE)[kind], _REQUESTS["1.1"])
    assert any(buffer is LARGE for buffer in buffers), [len(b) for b in buffers]


@pytest.mark.parametrize("kind", ["whole", "general"])
async def test_a_small_body_goes_out_with_its_head_in_one_write(protocol_twin, kind):
    wire, buffers = await _wire(protocol_twin.HttpProtocol, _handlers(SMALL)[kind], _REQUESTS["1.1"])
    assert len(buffers) == 1 and buffers[0].endswith(b"\r\n\r\n" + SMALL)


# --- the default bound of a whole-body read ----------------------------------------------


def _reader(**read_kwargs):
    seen = {}

    async def handler(raw, stream):
        try:
            body = await raw.body.read(**read_kwargs)
        except Exception as err:
            seen["error"] = err
            stream.send(err.status, None, [], str(err).encode())
            return
        stream.send(200, None, [], b"%d" % len(body))

    return handler, seen


async def test_default_max_body_size_is_10_mib():
    assert ServerLimits().max_body_size == 10 * 1024 * 1024
    assert ServerLimits.from_config({"max_body_size": None}).max_body_size is None


async def test_a_declared_length_over_max_body_size_is_413_before_reading(make_conn):
    handler, seen = _reader()
    conn = make_conn(handler)  # the default limits: 10 MiB
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n" % (10 * 1024 * 1024 + 1))
    await conn.settle()
    data = conn.transport.take()
    assert data.startswith(b"HTTP/1.1 413 ") and b"100 Continue" not in data
    assert b"Connection: close" in data
    assert "config.server.max_body_size" in str(seen["error"])


async def test_a_chunked_body_over_max_body_size_is_413_while_reading(make_conn):
    handler, seen = _reader()
    conn = make_conn(handler, max_body_size=5)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
    await conn.settle()
    assert conn.transport.take().startswith(b"HTTP/1.1 413 ")
    assert str(seen["error"]) == "Request body larger than 5 bytes (config.server.max_body_size)"


async def test_a_body_at_max_body_size_is_read(make_conn):
    handler, _ = _reader()
    conn = make_conn(handler, max_body_size=6)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][2] == b"6"


@pytest.mark.parametrize("limits, read_kwargs", [
    pytest.param({"max_body_size": 10}, {"limit": 100}, id="an-explicit-limit-wins"),
    pytest.param({"max_body_size": None}, {}, id="unbounded-when-none"),
])
async def test_the_default_bound_can_be_replaced(make_conn, limits, read_kwargs):
    handler, seen = _reader(**read_kwargs)
    conn = make_conn(handler, **limits)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n" + b"x" * 50)
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][2] == b"50" and seen == {}


async def test_streamed_reading_is_not_bounded_by_max_body_size(make_conn):
    async def handler(raw, stream):
        size = 0
        async for part in raw.body:
            size += len(part)
        stream.send(200, None, [], b"%d" % size)

    conn = make_conn(handler, max_body_size=10)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n", b"x" * 25, b"y" * 25)
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][2] == b"50"
