"""Helpers for the Egg-layer tests (imported by name: ``from loader_helpers import ...``).

Kept out of conftest.py so that test modules never import a module called
``conftest``, which is ambiguous when several test folders are collected
together.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from eggfast.server._protocol import RawRequest
from eggfast.testing import BytesBody, RecordingStream

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def fixture_dir(name: str) -> Path:
    return FIXTURES / name


#: what one in-process request produced (the package's public fake stream)
Result = RecordingStream


async def request(app: Any, method: str = "GET", url: str = "/", *, headers: Optional[dict] = None,
                  body: bytes = b"") -> Result:
    hdrs = {"host": "example.com"}
    hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
    if body:
        hdrs.setdefault("content-length", str(len(body)))
    raw = RawRequest(method, url, "1.1", hdrs, BytesBody(body), ("127.0.0.1", 50000), ("127.0.0.1", 7001), False)
    result = Result()
    await app.handler(raw, result)
    return result
