"""Fixtures for the Koa core objects: a recording stream and context factories."""
from __future__ import annotations

from typing import Any, Optional

import pytest

from eggfast.application import Application
from eggfast.errors import InvalidHeaderError
from eggfast.message import RawRequest


class BytesBody:
    """A request body held in memory (the BodyReader interface)."""

    complete = True

    def __init__(self, data: bytes = b"", chunks: Optional[list[bytes]] = None) -> None:
        self._chunks = chunks if chunks is not None else ([data] if data else [])

    async def read(self, limit: Optional[int] = None) -> bytes:
        return b"".join(self._chunks)

    def __aiter__(self):
        return self._gen()

    async def _gen(self):
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
    hdrs = {"host": "example.com"}
    if headers:
        hdrs.update({k.lower(): v for k, v in headers.items()})
    return RawRequest(method, url, "1.1", hdrs, BytesBody(body), peer, ("127.0.0.1", 7001), tls)


@pytest.fixture
def stream_cls() -> type:
    """The RecordingStream class (test modules do not import conftest)."""
    return RecordingStream


@pytest.fixture
def app(core_twin) -> Application:
    application = Application(core=core_twin)
    application.errors = []  # type: ignore[attr-defined]
    application.on("error", lambda err, ctx=None: application.errors.append((err, ctx)))  # type: ignore[attr-defined]
    return application


@pytest.fixture
def make_ctx(app):
    """``make_ctx(method, url, headers=..., config=..., ...)`` → a fresh Context."""

    def factory(method: str = "GET", url: str = "/", *, config: Optional[dict[str, Any]] = None,
                stream: Optional[RecordingStream] = None, **kwargs: Any):
        application = app
        if config:
            application = Application(config, core=app.core_twin)
            application.errors = []  # type: ignore[attr-defined]
            application.on("error", lambda err, ctx=None: application.errors.append((err, ctx)))  # type: ignore[attr-defined]
        raw = make_raw(method, url, **kwargs)
        return application.context_class(application, raw, stream or RecordingStream())

    return factory


@pytest.fixture
def run_app():
    """``await run_app(app, method, url, headers=...)`` → the RecordingStream after one request."""

    async def runner(application: Application, method: str = "GET", url: str = "/", **kwargs: Any) -> RecordingStream:
        stream = kwargs.pop("stream", None) or RecordingStream()
        await application.handler(make_raw(method, url, **kwargs), stream)
        return stream

    return runner
