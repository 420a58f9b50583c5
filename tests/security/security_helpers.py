"""Helpers for the security tests (imported by name: ``from security_helpers import call``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from eggfast.testing import RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "security"


async def call(app: Any, method: str = "GET", url: str = "/", *, headers: Optional[dict] = None,
               body: bytes = b"", peer: tuple = ("127.0.0.1", 50000), tls: bool = False) -> RecordingStream:
    """One request through ``app.handler``; a body gets its Content-Length."""
    hdrs = dict(headers or {})
    if body:
        hdrs.setdefault("content-length", str(len(body)))
    stream = RecordingStream()
    await app.handler(make_raw(method, url, headers=hdrs, body=body, peer=peer, tls=tls), stream)
    return stream
