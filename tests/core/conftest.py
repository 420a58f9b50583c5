"""Fixtures for the Koa core objects: a recording stream and context factories."""
from __future__ import annotations

from typing import Any, Optional

import pytest

from eggfast.koa.application import Application
from eggfast.testing import BytesBody, RecordingStream, make_raw  # noqa: F401  (re-exported for the tests)


@pytest.fixture
def stream_cls() -> type:
    """The RecordingStream class (test modules do not import conftest)."""
    return RecordingStream


@pytest.fixture
def app(context_twin) -> Application:
    application = Application(context_twin=context_twin)
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
            application = Application(config, context_twin=app.context_twin)
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
