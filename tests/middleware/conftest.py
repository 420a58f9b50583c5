"""Fixtures for the core middleware and onerror tests: drive ``app.handler`` in memory."""
from __future__ import annotations

from typing import Any, Optional

import pytest

from eggfast.koa.application import Application
from eggfast.server._protocol import RawRequest
from eggfast.testing import BytesBody, RecordingStream


# the package's public fakes, under the names these tests use
MemoryBody = BytesBody
Recorder = RecordingStream


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


#: RecordingStream already refuses CR/LF/NUL in header values, as the real writer does
StrictRecorder = RecordingStream


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
