"""Test doubles for driving the Koa core without a socket (the start of SPEC §15).

* :class:`RecordingStream` a ``ResponseStream`` that records what the core
  writes (status, headers, body chunks, the calls made), refusing header
  values with CR, LF or NUL as the real writer does;
* :class:`BytesBody` a request body held in memory;
* :func:`make_raw` a parsed request head, as the protocol would build it.

    from eggfast import Application
    from eggfast.testing import RecordingStream, make_raw

    async def hello(ctx, next):
        ctx.body = "hello"

    app = Application()
    app.use(hello)
    stream = RecordingStream()
    await app.handler(make_raw("GET", "/"), stream)
    assert stream.status == 200 and stream.text == "hello"
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Optional

import orjson

from eggfast.errors import HttpError, InvalidHeaderError
from eggfast.server._protocol import RawRequest

__all__ = ["RecordingStream", "BytesBody", "make_raw"]


class BytesBody:
    """A request body held in memory (the BodyReader interface).

    ``read(limit)`` raises ``HttpError(413)`` over ``limit`` as the protocol
    does; ``reads`` counts the whole-body reads.
    """

    complete = True

    def __init__(self, data: bytes = b"", chunks: Optional[list[bytes]] = None) -> None:
        self._chunks = chunks if chunks is not None else ([data] if data else [])
        self.reads = 0

    @property
    def data(self) -> bytes:
        return b"".join(self._chunks)

    async def read(self, limit: Optional[int] = None) -> bytes:
        self.reads += 1
        data = self.data
        if limit is not None and len(data) > limit:
            raise HttpError(413, "request entity too large")
        return data

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._gen()

    async def _gen(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


class RecordingStream:
    """A ResponseStream that records what the core writes.

    Header values with CR, LF or NUL are refused like the real writer does.
    """

    def __init__(self, writable: bool = True) -> None:
        self.headers_sent = False
        self._writable = writable
        self.status: Optional[int] = None
        self.reason: Optional[str] = None
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.calls: list[str] = []
        self.ended = False
        self.aborted = False

    @property
    def writable(self) -> bool:
        return self._writable and not self.ended and not self.aborted

    def _check(self, headers: list[tuple[str, str]]) -> None:
        for name, value in headers:
            if not isinstance(name, str) or not isinstance(value, str):
                raise InvalidHeaderError(f"header {name!r} must be str")
            if any(c in value for c in "\r\n\0"):
                raise InvalidHeaderError(f"invalid value for header {name!r}")

    def send(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        assert not self.headers_sent, "send() after the head was sent"
        self._check(headers)
        self.calls.append("send")
        self.status, self.reason, self.headers = status, reason, list(headers)
        self.chunks.append(body)
        self.headers_sent = True
        self.ended = True

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        assert not self.headers_sent, "start() after the head was sent"
        self._check(headers)
        self.calls.append("start")
        self.status, self.reason, self.headers = status, reason, list(headers)
        self.headers_sent = True

    async def write(self, chunk: bytes) -> None:
        assert self.headers_sent and not self.ended
        assert isinstance(chunk, bytes)
        self.calls.append("write")
        self.chunks.append(chunk)

    def end(self) -> None:
        self.calls.append("end")
        self.ended = True

    def abort(self) -> None:
        self.calls.append("abort")
        self.aborted = True

    # --- reading back -------------------------------------------------------

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return orjson.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        """The value of a header (several lines joined with ', '), None if absent."""
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None

    def header_values(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name.lower()]


def make_raw(
    method: str = "GET",
    url: str = "/",
    headers: Optional[dict[str, str]] = None,
    body: bytes = b"",
    peer: Optional[tuple] = ("127.0.0.1", 54321),
    tls: bool = False,
) -> RawRequest:
    """A request head for ``app.handler(raw, stream)``; ``host`` is ``example.com`` unless given."""
    hdrs = {"host": "example.com"}
    if headers:
        hdrs.update({k.lower(): v for k, v in headers.items()})
    return RawRequest(method, url, "1.1", hdrs, BytesBody(body), peer, ("127.0.0.1", 7001), tls)
