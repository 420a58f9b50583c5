"""``app.httpclient`` / ``app.curl`` / ``ctx.curl``: a small outgoing HTTP client.

    result = await app.curl("http://127.0.0.1:8080/api", method="POST", data={"a": 1})
    result.status, result.headers["content-type"], result.data, result.json()

The request runs in a worker thread (``urllib``) so the event loop is never
blocked.  ``data`` is sent as JSON when it is a dict/list (``content_type``
``"json"``, the default for those) or as a form when ``content_type="form"``;
bytes and str go as they are.  ``eggfast.mock``'s ``mock_httpclient``
replaces answers for chosen URLs in tests.
"""
from __future__ import annotations

import asyncio
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Optional

import orjson

__all__ = ["HttpClient", "HttpClientResponse"]


@dataclass
class HttpClientResponse:
    """What an outgoing request answered: ``status``, lower-cased ``headers``, raw ``data``."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    data: bytes = b""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return orjson.loads(self.data)


def _encode(data: Any, content_type: Optional[str], headers: dict[str, str]) -> Optional[bytes]:
    if data is None:
        return None
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode()
    if content_type == "form":
        headers.setdefault("content-type", "application/x-www-form-urlencoded")
        return urllib.parse.urlencode(data, doseq=True).encode()
    headers.setdefault("content-type", "application/json")
    return orjson.dumps(data)


class HttpClient:
    """The app's outgoing HTTP client (one per application)."""

    def __init__(self, app: Any = None, timeout: float = 5.0) -> None:
        self.app = app
        self.timeout = timeout

    async def request(self, url: str, method: str = "GET", data: Any = None, *,
                      headers: Optional[dict[str, str]] = None, content_type: Optional[str] = None,
                      timeout: Optional[float] = None) -> HttpClientResponse:
        """Send one request; a 4xx/5xx answer is returned, not raised; a network error raises ``OSError``."""
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        body = _encode(data, content_type, hdrs)
        method = method.upper()
        if body is not None and method in ("GET", "HEAD"):
            url = url + ("&" if "?" in url else "?") + body.decode()
            body = None
        request = urllib.request.Request(url, data=body, headers=hdrs, method=method)
        limit = self.timeout if timeout is None else timeout

        def run() -> HttpClientResponse:
            try:
                with urllib.request.urlopen(request, timeout=limit) as resp:  # noqa: S310 (the app's own URL)
                    return HttpClientResponse(resp.status, {k.lower(): v for k, v in resp.headers.items()},
                                              resp.read())
            except urllib.error.HTTPError as err:
                return HttpClientResponse(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())

        return await asyncio.to_thread(run)

    async def curl(self, url: str, method: str = "GET", data: Any = None, **kwargs: Any) -> HttpClientResponse:
        """Alias of :meth:`request` (Egg's ``app.curl``)."""
        return await self.request(url, method, data, **kwargs)
