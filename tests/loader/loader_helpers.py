"""Helpers for the Egg-layer tests (imported by name: ``from loader_helpers import ...``).

Kept out of conftest.py so that test modules never import a module called
``conftest``, which is ambiguous when several test folders are collected
together.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from eggfast.server._protocol import RawRequest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def fixture_dir(name: str) -> Path:
    return FIXTURES / name


class _Body:
    complete = True

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def read(self, limit: Optional[int] = None) -> bytes:
        return self.data

    def __aiter__(self):
        async def gen():
            if self.data:
                yield self.data
        return gen()


class Result:
    """What one in-process request produced."""

    def __init__(self) -> None:
        self.headers_sent = False
        self.status: Optional[int] = None
        self.headers: list = []
        self.chunks: list[bytes] = []
        self.ended = False

    writable = property(lambda self: not self.ended)

    def send(self, status: int, reason: Any, headers: list, body: bytes) -> None:
        self.status, self.headers, self.headers_sent, self.ended = status, list(headers), True, True
        self.chunks.append(body)

    def start(self, status: int, reason: Any, headers: list) -> None:
        self.status, self.headers, self.headers_sent = status, list(headers), True

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(bytes(chunk))

    def end(self) -> None:
        self.ended = True

    def abort(self) -> None:
        self.ended = True

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> Optional[str]:
        values = [v for n, v in self.headers if n.lower() == name.lower()]
        return ", ".join(values) if values else None


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
    raw = RawRequest(method, url, "1.1", hdrs, _Body(body), ("127.0.0.1", 50000), ("127.0.0.1", 7001), False)
    result = Result()
    await app.handler(raw, result)
    return result
