"""Fixtures for the core middleware and onerror tests: drive ``app.handler`` in memory."""
from __future__ import annotations

from typing import Any, Optional

import orjson
import pytest

from eggfast.koa.application import Application
from eggfast.errors import HttpError
from eggfast.server._protocol import RawRequest


class MemoryBody:
    """A request body held in memory; ``read(limit)`` raises 413 over the limit like the protocol."""

    complete = True

    def __init__(self, data: bytes = b"") -> None:
        self.data = data
        self.reads = 0

    async def read(self, limit: Optional[int] = None) -> bytes:
        self.reads += 1
        if limit is not None and len(self.data) > limit:
            raise HttpError(413, "request entity too large")
        return self.data

    def __aiter__(self):
        return self._gen()

    async def _gen(self):
        if self.data:
            yield self.data


class Recorder:
    """A ResponseStream that keeps what was sent."""

    def __init__(self) -> None:
        self.headers_sent = False
        self.ended = False
        self.aborted = False
        self.status: Optional[int] = None
        self.reason = ""
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []

    @property
    def writable(self) -> bool:
        return not self.ended and not self.aborted

    def send(self, status: int, reason: str, headers: list, body: bytes) -> None:
        assert not self.headers_sent
        self.status, self.reason, self.headers = status, reason, list(headers)
        self.chunks.append(body)
        self.headers_sent = self.ended = True

    def start(self, status: int, reason: str, headers: list) -> None:
        self.status, self.reason, self.headers = status, reason, list(headers)
        self.headers_sent = True

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(chunk)

    def end(self) -> None:
        self.ended = True

    def abort(self) -> None:
        self.aborted = True

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return orjson.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


def make_raw(method: str = "GET", url: str = "/", headers: Optional[dict] = None, body: bytes = b"",
             length: bool = True) -> RawRequest:
    hdrs = {"host": "example.com"}
    for key, value in (headers or {}).items():
        hdrs[key.lower()] = value
    if body and length and "content-length" not in hdrs and "transfer-encoding" not in hdrs:
        hdrs["content-length"] = str(len(body))
    return RawRequest(method, url, "1.1", hdrs, MemoryBody(body), ("127.0.0.1", 50000), ("127.0.0.1", 7001))


async def run(app: Application, method: str = "GET", url: str = "/", **kwargs: Any) -> Recorder:
    stream = Recorder()
    await app.handler(make_raw(method, url, **kwargs), stream)
    return stream


@pytest.fixture
def request_app():
    """``await request_app(app, method, url, headers=..., body=...)`` → the Recorder."""
    return run


@pytest.fixture
def new_app():
    """``new_app(config)`` → an Application that records ``error`` events in ``app.errors``."""

    def factory(config: Optional[dict] = None, *, record_errors: bool = True) -> Application:
        app = Application(config or {})
        app.errors = []  # type: ignore[attr-defined]
        if record_errors:
            app.on("error", lambda err, ctx=None: app.errors.append((err, ctx)))  # type: ignore[attr-defined]
        return app

    return factory


class StrictRecorder(Recorder):
    """Refuses header values with CR/LF like the real writer."""

    def send(self, status: int, reason: str, headers: list, body: bytes) -> None:
        from eggfast.errors import InvalidHeaderError

        for name, value in headers:
            if any(c in value for c in "\r\n\0"):
                raise InvalidHeaderError(f"invalid value for header {name!r}")
        super().send(status, reason, headers, body)


@pytest.fixture
def make_ctx():
    """``make_ctx(app, method, url, headers=..., strict=False)`` → ``(ctx, stream)``."""

    def factory(app: Application, method: str = "GET", url: str = "/", *, strict: bool = False, **kwargs: Any):
        stream = StrictRecorder() if strict else Recorder()
        return app.context_class(app, make_raw(method, url, **kwargs), stream), stream

    return factory


@pytest.fixture
def strict_request_app():
    """Like ``request_app`` but the stream refuses CR/LF in header values."""

    async def runner(app: Application, method: str = "GET", url: str = "/", **kwargs: Any) -> Recorder:
        stream = StrictRecorder()
        await app.handler(make_raw(method, url, **kwargs), stream)
        return stream

    return runner
