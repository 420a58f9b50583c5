"""Helpers for the session tests (imported by name: ``from session_helpers import ...``).

:class:`Browser` drives an app in-process and keeps its cookies the way a
browser does (a ``Set-Cookie`` with an empty value and a 1970 expiry deletes
one), so a test reads as a sequence of visits.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Optional

import orjson

from eggfast.testing import RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "session"
KEYS = "session-test-key,an-older-key"


class Browser:
    """One client: ``await browser.get(url)`` sends the cookies it holds and keeps the ones it gets."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.jar: dict[str, str] = {}
        #: the Set-Cookie lines of the last response
        self.set_cookies: list[str] = []

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.jar.items())

    async def get(self, url: str, *, cookie: Optional[str] = None, headers: Optional[dict] = None,
                  tls: bool = False, method: str = "GET", body: bytes = b"") -> RecordingStream:
        hdrs = dict(headers or {})
        if method not in ("GET", "HEAD") and "security" in getattr(self.app, "plugins", {}):
            # as a page's script does: load a page first for the csrfToken cookie, echo it as the token
            if "csrfToken" not in self.jar:
                await self.get("/__csrf_cookie__")
            hdrs.setdefault("x-csrf-token", self.jar["csrfToken"])
        if body:
            hdrs["content-length"] = str(len(body))
        header = self.cookie_header() if cookie is None else cookie
        if header:
            hdrs["cookie"] = header
        stream = RecordingStream()
        await self.app.handler(make_raw(method, url, hdrs, body, tls=tls), stream)
        self.set_cookies = stream.header_values("set-cookie")
        for line in self.set_cookies:
            name, _, value = line.split(";", 1)[0].partition("=")
            if not value and "expires=Thu, 01 Jan 1970" in line:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return stream

    async def json(self, url: str, **kwargs: Any) -> Any:
        stream = await self.get(url, **kwargs)
        assert stream.status == 200, (stream.status, stream.text)
        return orjson.loads(stream.body)

    def session_line(self, key: str = "EGG_SESS") -> Optional[str]:
        """The last response's Set-Cookie line for ``key``, or None."""
        lines = [line for line in self.set_cookies if line.startswith(key + "=")]
        assert len(lines) <= 1, lines
        return lines[0] if lines else None


def flip_bit(sealed: str, index: int = -1) -> str:
    """``sealed`` (base64url) with one bit of its byte ``index`` flipped."""
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


class MemoryStore:
    """An external store in a dict, recording every call."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.calls: list[tuple] = []

    async def get(self, key: str, max_age: Any, ctx: Any) -> Any:
        self.calls.append(("get", key, max_age))
        return self.data.get(key)

    async def set(self, key: str, value: str, max_age: Any, ctx: Any) -> None:
        self.calls.append(("set", key, max_age))
        self.data[key] = value

    async def destroy(self, key: str, ctx: Any) -> None:
        self.calls.append(("destroy", key))
        self.data.pop(key, None)
