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


#: a CSRF secret for tests: sent as the ``csrfToken`` cookie and echoed as the token
CSRF_SECRET = "test-csrf-secret-0123456789"


def csrf_headers(headers: Optional[dict] = None) -> dict:
    """``headers`` plus a ``csrfToken`` cookie and the matching ``x-csrf-token`` (double submit),
    as a browser script would send them to pass the security plugin's CSRF check."""
    out = dict(headers or {})
    cookie = out.pop("cookie", "")
    out["cookie"] = f"{cookie}; csrfToken={CSRF_SECRET}" if cookie else f"csrfToken={CSRF_SECRET}"
    out["x-csrf-token"] = CSRF_SECRET
    return out


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
