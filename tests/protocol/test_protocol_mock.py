"""HTTP/1.1 protocol behaviour, bytes in and bytes out, on both twins."""
from __future__ import annotations

import asyncio

import pytest

from wire import parse_responses

GET = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"


async def test_simple_get_keep_alive(make_conn):
    conn = make_conn()
    conn.feed(GET)
    await conn.settle()
    [(status, headers, body)] = parse_responses(conn.transport.take())
    assert status == 200
    assert body == b"GET /a 0"
    assert headers["content-length"] == "8"
    assert "connection" not in headers  # HTTP/1.1 keep-alive is the default
    assert "date" in headers
    assert not conn.transport.closed


async def test_pipelining_answers_in_order(make_conn):
    async def slow_first(raw, stream):
        if raw.target == "/1":
            await asyncio.sleep(0.01)
        stream.send(200, None, [], raw.target.encode())

    conn = make_conn(slow_first)
    conn.feed(b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in (1, 2, 3)))
    await asyncio.sleep(0.05)
    assert [b for _, _, b in parse_responses(conn.transport.take())] == [b"/1", b"/2", b"/3"]


async def test_pipeline_queue_is_bounded(make_conn):
    gate = asyncio.Event()

    async def blocked(raw, stream):
        await gate.wait()
        stream.send(200, None, [], b"ok")

    conn = make_conn(blocked, max_pipelined=4)
    conn.feed(GET * 10)
    await conn.settle()
    assert conn.transport.reading_paused
    gate.set()
    await asyncio.sleep(0.01)
    assert len(parse_responses(conn.transport.take())) == 10
    assert not conn.transport.reading_paused


@pytest.mark.parametrize("split", [1, 3, 7, 100])
async def test_split_bytes_parse_the_same(make_conn, split):
    raw = b"POST /p?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + GET
    conn = make_conn()
    conn.feed(*[raw[i:i + split] for i in range(0, len(raw), split)])
    await asyncio.sleep(0.01)
    got = parse_responses(conn.transport.take())
    assert [b for _, _, b in got] == [b"POST /p?q=1 5 hello", b"GET /a 0"]


async def test_chunked_request_body(make_conn):
    conn = make_conn()
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n")
    await conn.settle()
    [(status, _, body)] = parse_responses(conn.transport.take())
    assert (status, body) == (200, b"POST / 5 abcde")


async def test_body_async_iteration(make_conn):
    seen = []

    async def handler(raw, stream):
        async for part in raw.body:
            seen.append(part)
        stream.send(200, None, [], b"done")

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc")
    await conn.settle()
    conn.feed(b"def")
    await conn.settle()
    assert b"".join(seen) == b"abcdef"
    assert parse_responses(conn.transport.take())[0][2] == b"done"


async def test_http10_closes_by_default_and_keeps_alive_on_request(make_conn):
    conn = make_conn()
    conn.feed(b"GET / HTTP/1.0\r\n\r\n")
    await conn.settle()
    [(_, headers, _)] = parse_responses(conn.transport.take())
    assert headers["connection"] == "close"
    assert conn.transport.closed

    conn = make_conn()
    conn.feed(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    await conn.settle()
    [(_, headers, _)] = parse_responses(conn.transport.take())
    assert headers["connection"] == "keep-alive"
    assert not conn.transport.closed


async def test_connection_close_from_client(make_conn):
    conn = make_conn()
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await conn.settle()
    [(_, headers, _)] = parse_responses(conn.transport.take())
    assert headers["connection"] == "close"
    assert conn.transport.closed


async def test_streamed_response_is_chunked(make_conn):
    async def handler(raw, stream):
        stream.start(200, None, [("Content-Type", "text/plain")])
        for part in (b"ab", b"", b"cde"):
            await stream.write(part)
        stream.end()

    conn = make_conn(handler)
    conn.feed(GET)
    await conn.settle()
    data = conn.transport.take()
    assert b"Transfer-Encoding: chunked\r\n" in data
    assert data.endswith(b"2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n")
    assert parse_responses(data)[0][2] == b"abcde"


async def test_streamed_response_http10_is_close_delimited(make_conn):
    async def handler(raw, stream):
        stream.start(200, None, [])
        await stream.write(b"abc")
        stream.end()

    conn = make_conn(handler)
    conn.feed(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    await conn.settle()
    data = conn.transport.take()
    assert b"chunked" not in data and data.endswith(b"\r\n\r\nabc")
    assert conn.transport.closed


async def test_head_sends_no_body(make_conn):
    async def handler(raw, stream):
        stream.send(200, None, [("Content-Length", "11")], b"")

    conn = make_conn(handler)
    conn.feed(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + GET)
    await conn.settle()
    data = conn.transport.take()
    first, _, rest = data.partition(b"\r\n\r\n")
    assert b"Content-Length: 11" in first
    assert rest.startswith(b"HTTP/1.1 200")  # the next response follows at once


async def test_expect_100_continue_sent_on_first_read(make_conn):
    conn = make_conn()
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
    await conn.settle()
    assert conn.transport.take() == b"HTTP/1.1 100 Continue\r\n\r\n"
    conn.feed(b"abc")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][2] == b"POST / 3 abc"


async def test_expect_100_not_sent_when_body_unread(make_conn):
    async def handler(raw, stream):
        stream.send(413, None, [], b"too big")

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\nExpect: 100-continue\r\n\r\n")
    await conn.settle()
    data = conn.transport.take()
    assert data.startswith(b"HTTP/1.1 413 ")
    assert b"100 Continue" not in data
    assert b"Connection: close" in data  # the unread body cannot be skipped safely
    assert conn.transport.eof_written


async def test_unknown_expectation_is_417(make_conn):
    conn = make_conn()
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Length: 0\r\n\r\n")
    await conn.settle()
    assert conn.transport.take().startswith(b"HTTP/1.1 417 ")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", id="cl-and-te"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc", id="duplicate-cl"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", id="duplicate-equal-cl"),
        pytest.param(b"GET / HTTP/1.1\nHost: a\n\n", id="bare-lf"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", id="bare-lf-in-headers"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n", id="obs-fold"),
        pytest.param(b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", id="space-before-colon"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", id="te-not-final-chunked"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", id="te-identity"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n", id="nul-in-header"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", id="negative-cl"),
        pytest.param(b"GET / HTTP/1.1\r\n\r\n", id="no-host"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", id="two-hosts"),
        # odd spellings are learned into the name table; they must still count as Host
        pytest.param(b"GET / HTTP/1.1\r\nhOST: a\r\nHOST: b\r\n\r\n", id="two-hosts-odd-spellings"),
        pytest.param(b"GET / HTTP/1.1\r\nHost: a\r\nhOsT: b\r\n\r\n", id="two-hosts-mixed-spellings"),
        pytest.param(b"GET / HTTP/1.1\r\nHosts: a\r\n\r\n", id="hosts-is-not-host"),
        pytest.param(b"GARBAGE\r\n\r\n", id="garbage"),
        pytest.param(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", id="bad-chunk-size"),
    ],
)
async def test_malformed_gets_one_400_and_close(make_conn, raw):
    conn = make_conn()
    conn.feed(raw)
    await conn.settle()
    data = conn.transport.take()
    responses = parse_responses(data)
    assert [r[0] for r in responses] == [400], data
    assert responses[0][1]["connection"] == "close"
    assert conn.transport.closed


async def test_smuggling_after_valid_request_answers_first_then_400(make_conn):
    conn = make_conn()
    conn.feed(GET + b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
    await conn.settle()
    assert [r[0] for r in parse_responses(conn.transport.take())] == [200, 400]
    assert conn.transport.closed


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/0.9"])
async def test_unsupported_version(make_conn, version):
    conn = make_conn()
    conn.feed(b"GET / " + version + b"\r\nHost: a\r\n\r\n")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 505


async def test_request_line_limit_414(make_conn):
    conn = make_conn(max_request_line=100)
    conn.feed(b"GET /" + b"a" * 60, b"b" * 60 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 414
    assert conn.transport.closed


async def test_header_block_limit_431(make_conn):
    conn = make_conn(max_header_size=200)
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 300 + b"\r\n\r\n")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 431


async def test_header_block_limit_431_when_never_ending(make_conn):
    conn = make_conn(max_header_size=200, max_request_line=100)
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
    for _ in range(20):
        if conn.transport.closed:
            break
        conn.feed(b"v" * 100)
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 431


async def test_header_count_limit_431(make_conn):
    conn = make_conn(max_headers=5)
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(5)) + b"\r\n")
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 431


async def test_header_deadline_is_absolute(make_conn):
    conn = make_conn(header_timeout=0.05)
    conn.feed(b"GET / HTTP/1.1\r\n")
    for _ in range(8):  # a trickle of bytes does not extend the deadline
        await asyncio.sleep(0.01)
        if not conn.transport.closed:
            conn.feed(b"X-A: b\r\n")
    await asyncio.sleep(0.05)
    data = conn.transport.take()
    assert parse_responses(data)[0][0] == 408
    assert conn.transport.closed


async def test_header_deadline_for_a_later_request_on_the_connection(make_conn):
    conn = make_conn(header_timeout=0.05, keep_alive_timeout=5)
    conn.feed(GET)
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][0] == 200
    conn.feed(b"GET /2 HTTP/1.1\r\nHost: x\r\n")  # the head never ends
    await conn.until(lambda: conn.transport.closed)
    assert parse_responses(conn.transport.take())[0][0] == 408


async def test_a_whole_head_leaves_no_header_deadline_behind(make_conn):
    async def slow(raw, stream):
        await asyncio.sleep(0.1)  # longer than the header timeout
        stream.send(200, None, [], b"done")

    conn = make_conn(slow, header_timeout=0.03)
    conn.feed(GET)
    await conn.until(lambda: conn.transport.data)
    responses = parse_responses(conn.transport.take())
    assert [(r[0], r[2]) for r in responses] == [(200, b"done")]
    assert not conn.transport.closed


async def test_keep_alive_idle_timeout_closes_silently(make_conn):
    conn = make_conn(keep_alive_timeout=0.03)
    conn.feed(GET)
    await conn.settle()
    conn.transport.take()
    await asyncio.sleep(0.06)
    assert conn.transport.closed
    assert conn.transport.take() == b""


async def test_body_read_timeout_408(make_conn):
    async def handler(raw, stream):
        try:
            await raw.body.read()
        except Exception as err:  # HttpError(408)
            stream.send(err.status, None, [], b"slow body")

    conn = make_conn(handler, body_timeout=0.03)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
    await conn.until(lambda: b"slow body" in conn.transport.data)
    data = conn.transport.take()
    assert parse_responses(data)[0][0] == 408
    assert b"Connection: close" in data


async def test_large_body_pauses_reading(make_conn):
    gate = asyncio.Event()

    async def handler(raw, stream):
        await gate.wait()
        body = await raw.body.read()
        stream.send(200, None, [], str(len(body)).encode())

    conn = make_conn(handler, body_buffer=1000)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
    conn.feed(b"x" * 2000)
    await conn.settle()
    assert conn.transport.reading_paused
    gate.set()
    await conn.settle()
    assert not conn.transport.reading_paused
    conn.feed(b"x" * 3000)
    await conn.settle()
    assert parse_responses(conn.transport.take())[0][2] == b"5000"


async def test_client_disconnect_cancels_handler(make_conn):
    events = []

    async def handler(raw, stream):
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            events.append("cancelled")
            raise

    conn = make_conn(handler)
    conn.feed(GET)
    await conn.settle()
    conn.disconnect()
    await conn.settle()
    assert events == ["cancelled"]


async def test_disconnect_fails_pending_body_read(make_conn):
    events = []

    async def handler(raw, stream):
        try:
            await raw.body.read()
        except ConnectionResetError:
            events.append("reset")

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
    await conn.settle()
    conn.disconnect()
    await conn.settle()
    assert events in (["reset"], [])  # cancelled before or after the reset: never hangs
    assert conn.protocol.closed


@pytest.mark.parametrize("value", ["a\r\nInjected: 1", "a\nb", "a\x00b", "snow \u2603"])
async def test_bad_header_value_is_500_and_never_written(make_conn, value):
    async def handler(raw, stream):
        stream.send(200, None, [("X-Evil", value)], b"body")

    conn = make_conn(handler)
    conn.feed(GET)
    await conn.settle()
    data = conn.transport.take()
    assert data.startswith(b"HTTP/1.1 500 ")
    assert b"Injected" not in data and b"X-Evil" not in data


async def test_handler_crash_is_500_and_connection_survives(make_conn):
    async def handler(raw, stream):
        if raw.target == "/boom":
            raise RuntimeError("boom")
        stream.send(200, None, [], b"ok")

    conn = make_conn(handler)
    conn.feed(b"GET /boom HTTP/1.1\r\nHost: x\r\n\r\n" + GET)
    await conn.settle()
    assert [r[0] for r in parse_responses(conn.transport.take())] == [500, 200]


async def test_graceful_shutdown_finishes_in_flight(make_conn):
    gate = asyncio.Event()

    async def handler(raw, stream):
        await gate.wait()
        stream.send(200, None, [], b"finished")

    conn = make_conn(handler)
    conn.feed(GET)
    await conn.settle()
    conn.protocol.shutdown()
    assert not conn.transport.closed
    gate.set()
    await conn.settle()
    [(status, headers, body)] = parse_responses(conn.transport.take())
    assert (status, body, headers["connection"]) == (200, b"finished", "close")
    assert conn.transport.closed


async def test_graceful_shutdown_closes_idle_now(make_conn):
    conn = make_conn()
    conn.protocol.shutdown()
    assert conn.transport.closed


async def test_upgrade_is_answered_then_closed(make_conn):
    conn = make_conn()
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n")
    await conn.settle()
    [(status, headers, _)] = parse_responses(conn.transport.take())
    assert status == 200 and headers["connection"] == "close"


async def test_repeated_headers_join_like_node(make_conn):
    seen = {}

    async def handler(raw, stream):
        seen.update(raw.headers)
        stream.send(204, None, [], b"")

    conn = make_conn(handler)
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nAccept: a\r\naccept: b\r\nCookie: c=1\r\nCookie: d=2\r\nX-L: \xe9\r\n\r\n")
    await conn.settle()
    assert seen["accept"] == "a, b"
    assert seen["cookie"] == "c=1; d=2"
    assert seen["x-l"] == "\xe9"
    status, headers, body = parse_responses(conn.transport.take())[0]
    assert status == 204 and "content-length" not in headers and body == b""


async def test_declared_length_over_limit_fails_before_reading_or_continuing(make_conn):
    async def handler(raw, stream):
        try:
            await raw.body.read(limit=10)
        except Exception as err:
            stream.send(err.status, None, [], str(err).encode())

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
    await conn.settle()
    data = conn.transport.take()
    assert data.startswith(b"HTTP/1.1 413 ") and b"100 Continue" not in data
    assert b"Connection: close" in data


async def test_chunked_body_over_limit_fails_while_reading(make_conn):
    async def handler(raw, stream):
        try:
            await raw.body.read(limit=4)
        except Exception as err:
            stream.send(err.status, None, [], b"")

    conn = make_conn(handler)
    conn.feed(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")
    await conn.settle()
    assert conn.transport.take().startswith(b"HTTP/1.1 413 ")


async def test_header_names_arrive_lower_case_whatever_the_spelling(make_conn):
    """Common names come from a lookup table, others are lowered: both give the same keys."""
    seen = {}

    async def record(raw, stream):
        seen.update(raw.headers)
        seen["method"] = raw.method
        stream.send(200, None, [], b"")

    conn = make_conn(record)
    conn.feed(
        b"PATCH /h HTTP/1.1\r\nHOST: x\r\nuser-agent: a\r\nAccept-Encoding: gzip\r\nX-Real-IP: 1.2.3.4\r\n"
        b"x-REAL-ip: 5.6.7.8\r\nX-Custom-Thing: v\r\nDNT: 1\r\nCookie: a=1\r\ncookie: b=2\r\n\r\n"
    )
    await conn.settle()
    assert seen == {
        "host": "x", "user-agent": "a", "accept-encoding": "gzip", "x-real-ip": "1.2.3.4, 5.6.7.8",
        "x-custom-thing": "v", "dnt": "1", "cookie": "a=1; b=2", "method": "PATCH",
    }


async def test_learned_header_names_give_the_same_keys(make_conn):
    """A name outside the table is learned on first sight; later requests,
    in any spelling, still get lower-case keys and joined repeats."""
    seen = []

    async def record(raw, stream):
        seen.append(dict(raw.headers))
        stream.send(200, None, [], b"")

    conn = make_conn(record)
    request = b"GET / HTTP/1.1\r\nHost: x\r\nSec-Fetch-Learned: a\r\nsec-fetch-LEARNED: b\r\nHOST-x: c\r\n\r\n"
    conn.feed(request, request)
    await conn.settle()
    assert seen == [{"host": "x", "sec-fetch-learned": "a, b", "host-x": "c"}] * 2


async def test_a_learned_spelling_of_host_still_counts_as_host(make_conn):
    seen = []

    async def record(raw, stream):
        seen.append(raw.headers["host"])
        stream.send(200, None, [], b"")

    conn = make_conn(record)
    # the first request teaches the name table this spelling; the later ones read it from there
    request = b"GET / HTTP/1.1\r\nhoST: a\r\n\r\n"
    conn.feed(request, request, b"GET / HTTP/1.1\r\nhoST: a\r\nHost: b\r\n\r\n")
    await conn.until(lambda: conn.transport.closed)
    assert seen == ["a", "a"]
    assert [r[0] for r in parse_responses(conn.transport.take())] == [200, 200, 400]


async def test_learned_header_names_are_bounded(make_conn, protocol_twin):
    seen = []

    async def record(raw, stream):
        seen.append(raw.headers)
        stream.send(200, None, [], b"")

    conn = make_conn(record, max_headers=1300, max_header_size=64 * 1024)
    long_name = b"X-" + b"n" * 80
    names = [b"X-Bound-%d" % i for i in range(1200)] + [long_name]
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(n + b": v\r\n" for n in names) + b"\r\n")
    await conn.settle()
    assert len(seen[0]) == 1202 and seen[0]["x-bound-1199"] == "v" and seen[0][long_name.decode().lower()] == "v"
    assert protocol_twin.header_keys_size() <= 1024
    before = protocol_twin.header_keys_size()
    conn.feed(b"GET / HTTP/1.1\r\nHost: x\r\nX-After-The-Cap: w\r\n\r\n")
    await conn.settle()
    assert seen[1] == {"host": "x", "x-after-the-cap": "w"}
    assert protocol_twin.header_keys_size() == before


async def test_uncommon_methods_are_decoded(make_conn):
    seen = []

    async def record(raw, stream):
        seen.append(raw.method)
        stream.send(200, None, [], b"")

    conn = make_conn(record)
    conn.feed(b"PROPFIND /h HTTP/1.1\r\nHost: x\r\n\r\n", b"GET /h HTTP/1.1\r\nHost: x\r\n\r\n")
    await conn.settle()
    assert seen == ["PROPFIND", "GET"]


@pytest.mark.parametrize(
    "data, method, url, version",
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"GET", b"/", "1.1"),
        (b"GET /a?b HTTP/1.0\r\n\r\n", b"GET", b"/a?b", "1.0"),
        (b"PROPFIND /x HTTP/1.1\r\n", b"PROPFIND", b"/x", "1.1"),
        (b"GET / HTTP/1.1", b"GET", b"/", None),  # the line has not ended yet
        (b"GET /a", b"GET", b"/abc", None),  # the chunk ends inside the URL
        (b"\r\nGET / HTTP/1.1\r\n", b"GET", b"/", None),  # an empty line first: the parser decides
        (b"GET / HTTP/2.0\r\n", b"GET", b"/", None),
        (b"GET / HTTP/1.1\nHost: x HTTP/1.0\r\n", b"GET", b"/", None),  # bare LF: the parser decides
        (b"GET / HTTP/1.", b"GET", b"/", None),
        (b"GET /b HTTP/1.1\r\n", b"GET", b"/a", None),  # not this request's line
        (b"GETX / HTTP/1.1\r\n", b"GET", b"/", None),
    ],
)
def test_request_line_version(protocol_twin, data, method, url, version):
    assert protocol_twin.request_line_version(data, method, url) == version


@pytest.mark.parametrize("split", [None, "messages", 1, 5, 17, 40])
async def test_versions_of_pipelined_and_split_requests(make_conn, split):
    """Method and version are read off the chunk only when it opens with the message."""
    seen = []

    async def record(raw, stream):
        seen.append((raw.method, raw.target, raw.version))
        stream.send(200, None, [], b"")

    messages = [
        b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        b"POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 14\r\n\r\nGET / HTTP/1.0",
        b"GET /4 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        b"GET /5 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\r\nDELETE /6 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",  # a blank line first
        b"\r\nGET /7 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        b"GETS /8 HTTP/1.1\r\nHost: x\r\n\r\n",  # unknown to llhttp: 400
    ]
    raw = b"".join(messages)
    conn = make_conn(record)
    if split is None:
        conn.feed(raw)
    elif split == "messages":
        conn.feed(*messages)
    else:
        conn.feed(*[raw[i:i + split] for i in range(0, len(raw), split)])
    await conn.until(lambda: conn.transport.closed)
    assert seen == [
        ("GET", "/1", "1.1"), ("GET", "/2", "1.0"), ("POST", "/3", "1.1"), ("GET", "/4", "1.0"),
        ("GET", "/5", "1.1"), ("DELETE", "/6", "1.0"), ("GET", "/7", "1.0"),
    ]
    responses = parse_responses(conn.transport.take())
    assert [r[0] for r in responses] == [200] * 7 + [400]


@pytest.mark.parametrize(
    "headers, request_head, expect",
    [
        # the usual response: stated length kept where it is, Date added
        ([("Content-Type", "text/plain"), ("Content-Length", "4")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        ([("Content-Length", "4"), ("X-A", "1")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        # a wrong or differently spelled length is replaced by the real one
        ([("Content-Length", "99")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        ([("content-length", "4")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        ([], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        # framing headers from the app are the server's business
        ([("Content-Length", "4"), ("Transfer-Encoding", "chunked"), ("Date", "x")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": None}),
        ([("Content-Length", "4"), ("Connection", "close")], b"GET / HTTP/1.1\r\nHost: x\r\n", {"connection": "close"}),
        # the client's wishes
        ([("Content-Length", "4")], b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", {"connection": "close"}),
        ([("Content-Length", "4")], b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n", {"connection": "keep-alive"}),
        ([("Content-Length", "4")], b"GET / HTTP/1.0\r\n", {"connection": "close"}),
    ],
)
async def test_whole_response_framing(make_conn, headers, request_head, expect):
    async def handler(raw, stream):
        stream.send(200, None, list(headers), b"body")

    conn = make_conn(handler)
    conn.feed(request_head + b"\r\n")
    await conn.settle()
    data = conn.transport.take()
    [(status, got, body)] = parse_responses(data)
    assert (status, body) == (200, b"body")
    assert data.lower().count(b"content-length:") == 1 and got["content-length"] == "4"
    assert data.lower().count(b"\r\ndate:") == 1
    assert b"transfer-encoding" not in data.lower()
    assert got.get("connection") == expect["connection"]
    assert conn.transport.closed == (expect["connection"] == "close")
