"""Identical bytes, split at random offsets, give identical results on both protocol twins."""
from __future__ import annotations

import asyncio
import re

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from eggfast.server import _protocol_py
from eggfast.server.limits import ServerLimits

from wire import MockTransport

protocol_c = pytest.importorskip("eggfast.server._protocol_c")

_DATE = re.compile(rb"Date: [^\r]*\r\n")

token = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8)
value = st.binary(min_size=0, max_size=12).map(lambda b: bytes(c for c in b if c not in b"\r\n"))


@st.composite
def request_bytes(draw):
    method = draw(st.sampled_from([b"GET", b"POST", b"PUT", b"HEAD", b"DELETE"]))
    path = b"/" + draw(st.binary(max_size=10).map(lambda b: bytes(c for c in b if 0x21 <= c < 0x7F)))
    version = draw(st.sampled_from([b"HTTP/1.1", b"HTTP/1.1", b"HTTP/1.0"]))
    lines = [method + b" " + path + b" " + version]
    if draw(st.booleans()) or version == b"HTTP/1.1":
        lines.append(b"Host: h")
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(token).encode() + b": " + draw(value))
    body = draw(st.binary(max_size=20))
    framing = draw(st.sampled_from(["length", "chunked", "none", "both"]))
    if framing == "length":
        lines.append(b"Content-Length: %d" % len(body))
        payload = body
    elif framing == "chunked":
        lines.append(b"Transfer-Encoding: chunked")
        payload = (b"%x\r\n%b\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    elif framing == "both":  # a smuggling shape: must be refused
        lines.append(b"Content-Length: %d" % len(body))
        lines.append(b"Transfer-Encoding: chunked")
        payload = body
    else:
        payload = b""
    if draw(st.booleans()):
        lines.append(b"Connection: " + draw(st.sampled_from([b"close", b"keep-alive"])))
    return b"\r\n".join(lines) + b"\r\n\r\n" + payload


async def record(protocol_class, data: bytes, cuts: list[int]):
    seen = []

    async def handler(raw, stream):
        try:
            body = await raw.body.read()
        except Exception as err:
            body = f"<{type(err).__name__}>".encode()
        seen.append((raw.method, raw.target, raw.version, sorted(raw.headers.items()), body, raw.keep_alive))
        if raw.target.endswith("s"):
            stream.start(200, None, [("X-Seen", str(len(seen)))])
            await stream.write(body or b"-")
            stream.end()
        else:
            stream.send(200, None, [("X-Seen", str(len(seen)))], body)

    loop = asyncio.get_running_loop()
    transport = MockTransport()
    protocol = protocol_class(handler, loop, ServerLimits(max_headers=6, max_header_size=200, max_request_line=64), None)
    transport.protocol = protocol
    protocol.connection_made(transport)
    start = 0
    for cut in sorted(set(cuts)) + [len(data)]:
        if transport.closed:
            break
        protocol.data_received(data[start:cut])
        start = cut
        await asyncio.sleep(0)
    for _ in range(30):
        await asyncio.sleep(0)
    protocol.connection_lost(None) if not transport.closed else None
    return seen, _DATE.sub(b"", bytes(transport.data)), transport.closed


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(request_bytes(), min_size=1, max_size=4), st.binary(max_size=6), st.data())
@example([b"GET / HTTP/1.1\r\nHost: h\r\n\r\n"], b"", None)
def test_protocol_twins_agree(requests, trailer, data):
    raw = b"".join(requests) + trailer
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=6)) if data is not None else []

    async def both():
        return await record(_protocol_py.HttpProtocol, raw, cuts), await record(protocol_c.HttpProtocol, raw, cuts)

    py, c = asyncio.run(both())
    assert py == c


@settings(max_examples=60, deadline=None)
@given(st.lists(request_bytes(), min_size=1, max_size=3), st.data())
def test_one_byte_writes_match_one_big_write(requests, data):
    raw = b"".join(requests)

    async def both():
        return await record(_protocol_py.HttpProtocol, raw, []), await record(protocol_c.HttpProtocol, raw, list(range(len(raw))))

    whole, bytewise = asyncio.run(both())
    assert whole == bytewise


ODD_REQUEST_LINES = [
    b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET /a HTTP/1.0\r\n\r\n",
    b"GET  /a HTTP/1.0\r\n\r\n",  # two spaces after the method
    b"GET   / HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET /a  HTTP/1.0\r\n\r\n",  # two spaces before the version
    b"GET HTTP/1.1 HTTP/1.0\r\n\r\n",  # a URL that looks like a version
    b"GET  HTTP/1.1 HTTP/1.0\r\n\r\n",
    b"GET / HTTP/1.1\nHost: h\n\n",  # bare LF line ends
    b"GET / http/1.1\r\nHost: h\r\n\r\n",
    b"GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
    b"GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
    b"GET / HTTP/2.0\r\nHost: h\r\n\r\n",
    b"\r\nGET / HTTP/1.0\r\n\r\n",  # a blank line before the request
    b"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n",
    b"PURGE /x HTTP/1.0\r\n\r\n",
]


@pytest.mark.parametrize("raw", ODD_REQUEST_LINES)
@pytest.mark.parametrize("protocol_class", [_protocol_py.HttpProtocol, protocol_c.HttpProtocol], ids=["py", "c"])
def test_request_line_read_from_the_chunk_matches_the_parser(protocol_class, raw):
    """A request that opens a chunk has its method and version read off the chunk;
    fed a byte at a time the parser gives them.  Both ways must agree, also on
    request lines httptools refuses."""
    async def both():
        return await record(protocol_class, raw, []), await record(protocol_class, raw, list(range(len(raw))))

    whole, bytewise = asyncio.run(both())
    assert whole == bytewise
