"""Request framing, a client gone mid-body, the send deadline, body bounds and response
bytes, on both protocol twins (mock transport)."""
from __future__ import annotations

import asyncio

import pytest

from wire import parse_responses

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
