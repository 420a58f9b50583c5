"""Bytes-in/bytes-out harness: a protocol twin on a recording mock transport."""
from __future__ import annotations

import asyncio
from typing import Any, Callable

from eggfast.server.limits import ServerLimits


class MockTransport(asyncio.Transport):
    """Records what the protocol writes and how it steers the connection."""

    def __init__(self) -> None:
        super().__init__()
        self.data = bytearray()
        self.closed = False
        self.eof_written = False
        self.reading_paused = False
        self.pause_count = 0
        self.write_buffer_size = 0  # what a real transport would still hold unsent
        self.aborted = False
        self.protocol: Any = None

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("10.0.0.7", 50000), "sockname": ("127.0.0.1", 7001)}.get(name, default)

    def write(self, data: bytes) -> None:
        assert not self.closed, "write after close"
        self.data += data

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if not self.write_buffer_size:  # like a real transport: lost once flushed
                asyncio.get_event_loop().call_soon(self.protocol.connection_lost, None)

    def abort(self) -> None:
        self.aborted = True
        self.write_buffer_size = 0
        if not self.closed:
            self.closed = True
        asyncio.get_event_loop().call_soon(self.protocol.connection_lost, None)

    def flushed_to(self, size: int) -> None:
        """The client took data: ``size`` bytes stay unsent (0 completes a pending close)."""
        self.write_buffer_size = size
        if size == 0 and self.closed and not self.aborted:
            asyncio.get_event_loop().call_soon(self.protocol.connection_lost, None)

    def get_write_buffer_size(self) -> int:
        return self.write_buffer_size

    def is_closing(self) -> bool:
        return self.closed

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.eof_written = True

    def pause_reading(self) -> None:
        self.reading_paused = True
        self.pause_count += 1

    def resume_reading(self) -> None:
        self.reading_paused = False

    def take(self) -> bytes:
        out = bytes(self.data)
        self.data.clear()
        return out


class Conn:
    """One protocol + transport; ``feed`` bytes in, read ``transport.data`` out."""

    def __init__(self, protocol_class: type, handler: Callable, limits: ServerLimits) -> None:
        self.loop = asyncio.get_event_loop()
        self.transport = MockTransport()
        self.protocol = protocol_class(handler, self.loop, limits, None)
        self.transport.protocol = self.protocol
        self.protocol.connection_made(self.transport)

    def feed(self, *chunks: bytes) -> None:
        for data in chunks:
            self.protocol.data_received(data)

    async def settle(self, rounds: int = 20) -> None:
        for _ in range(rounds):
            await asyncio.sleep(0)

    async def until(self, predicate: Callable[[], bool], timeout: float = 2.0) -> None:
        """Wait (bounded) until ``predicate()`` holds: timing tests stay exact on a busy machine."""
        deadline = self.loop.time() + timeout
        while not predicate() and self.loop.time() < deadline:
            await asyncio.sleep(0.005)

    def disconnect(self) -> None:
        self.transport.closed = True
        self.protocol.connection_lost(None)


async def echo_handler(raw, stream) -> None:
    """Answers with the method, target and body it read."""
    body = await raw.body.read()
    payload = f"{raw.method} {raw.target} {len(body)}".encode() + (b" " + body if body else b"")
    stream.send(200, None, [("Content-Type", "text/plain")], payload)



def parse_responses(data: bytes) -> list[tuple[int, dict, bytes]]:
    """Split a byte stream into (status, headers, body) triples (Content-Length or chunked)."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers: dict = {}
        for line in lines[1:]:
            name, _, value = line.partition(": ")
            headers[name.lower()] = value
        if status == 100:
            out.append((status, headers, b""))
            data = rest
            continue
        if "content-length" in headers:
            n = int(headers["content-length"])
            body, data = rest[:n], rest[n:]
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line, 16)
                if size == 0:
                    rest = rest[2:]
                    break
                body += rest[:size]
                rest = rest[size + 2:]
            data = rest
        else:
            body, data = rest, b""
        out.append((status, headers, body))
    return out
