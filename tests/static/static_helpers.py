"""Helpers for the static tests: one in-process request."""
from __future__ import annotations

from typing import Any, Optional

from eggfast.testing import RecordingStream, make_raw


async def call(app: Any, url: str, headers: Optional[dict] = None, method: str = "GET") -> RecordingStream:
    stream = RecordingStream()
    await app.handler(make_raw(method, url, dict(headers or {}), b""), stream)
    return stream
