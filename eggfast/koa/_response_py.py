# cython: annotation_typing=False
"""The response half of a context (Koa's ``response``).

Headers live in one dict keyed by lower-case name, holding ``(name, value)``
with the name as first set and the value a ``str`` or a ``list`` of ``str``
(one header line per item).  Nothing is written here: :func:`eggfast.koa.respond.respond`
and ``Context.onerror`` put the response on the stream.
"""
from __future__ import annotations

import html
import weakref
import types
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Iterable, Mapping, Optional, Union

import orjson

from eggfast.http import negotiation as neg
from eggfast.http.content_disposition import content_disposition
from eggfast.http.encodeurl import encode_url
from eggfast.http.mime import content_type, extname
from eggfast.http.vary import append_vary
from eggfast.koa.body import is_stream_body, json_bytes
from eggfast.http.hdrs import EMPTY_STATUSES, LENGTH_STRINGS, REDIRECT_STATUSES, STATUS_REASONS

__all__ = ["Response", "json_bytes", "is_stream_body"]

_BYTES_TYPES = (bytes, bytearray, memoryview)
_TEXT = "text/plain; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_JSON = "application/json; charset=utf-8"


def _header_value(value: Any) -> Union[str, list[str]]:
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, str) else str(v) for v in value]
    return value if isinstance(value, str) else str(value)


def _to_http_date(value: Union[datetime, str, int, float]) -> str:
    if isinstance(value, str):
        value = parsedate_to_datetime(value) if "," in value or " GMT" in value else datetime.fromisoformat(value)
    elif isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, tz=timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value.astimezone(timezone.utc), usegmt=True)


class Response:
    """The response being built for one request.  ``ctx.response``."""

    def __init__(self, app: Any, ctx: Any, stream: Any) -> None:
        # Every field is set here: the compiled twin keeps them in C slots
        # (eggfast/koa/_response_c.pxd), which cannot have class-level defaults.
        self.app = app
        self._ctx_ref = weakref.ref(ctx)  # weak: see Request.__init__
        self.stream = stream
        self.res = stream
        self._headers: dict[str, tuple[str, Union[str, list[str]]]] = {}
        self._status = 404
        self._message: Optional[str] = None
        self._body: Any = None
        self._explicit_status = False
        self._explicit_null_body = False
        self._encoded: Optional[tuple] = None  # (str body, its UTF-8 bytes), set by the body setter
        self._dropped_stream: Any = None  # a stream body an empty status replaced; closed by respond()

    @property
    def ctx(self) -> Any:
        """The Context this response belongs to (None once that context is gone)."""
        return self._ctx_ref()

    @property
    def request(self) -> Any:
        """The sibling ``ctx.request``."""
        ctx = self._ctx_ref()
        return ctx.request if ctx is not None else None

    # --- status -----------------------------------------------------------

    @property
    def status(self) -> int:
        """The status code (404 until something sets it or a body)."""
        return self._status

    @status.setter
    def status(self, code: int) -> None:
        if self.stream.headers_sent:
            return
        if not isinstance(code, int) or isinstance(code, bool):
            raise TypeError(f"status code must be a number: {code!r}")
        if not 100 <= code <= 999:
            raise ValueError(f"invalid status code: {code}")
        self._explicit_status = True
        self._status = code
        self._message = None
        if self._body is not None and code in EMPTY_STATUSES:
            if is_stream_body(self._body):
                # Dropped, but still open: respond() closes it (Koa destroys
                # every stream body once the response finishes).
                self._dropped_stream = self._body
            self.body = None

    @property
    def message(self) -> str:
        """The reason phrase: as set, else the standard text for the status."""
        return self._message or STATUS_REASONS.get(self._status, "")

    @message.setter
    def message(self, value: str) -> None:
        self._message = value

    # --- body -------------------------------------------------------------

    @property
    def body(self) -> Any:
        return self._body

    @body.setter
    def body(self, value: Any) -> None:
        kind = type(value)
        if (kind is str or kind is dict or kind is list) and not self.stream.headers_sent:
            # PERF: the common cases (text, JSON), with the same effects as the
            # general path below.
            self._body = value
            self._explicit_null_body = False
            if not self._explicit_status:
                self._explicit_status = True
                self._status = 200
                self._message = None
            headers = self._headers
            if kind is not str:
                headers.pop("content-length", None)
                headers["content-type"] = ("Content-Type", _JSON)
                return
            # The encoded text is kept for respond() to send as is.
            if "content-type" not in headers:
                headers["content-type"] = ("Content-Type", _HTML if value.lstrip()[:1] == "<" else _TEXT)
            encoded = value.encode("utf-8", "surrogatepass")
            self._encoded = (value, encoded)
            if "transfer-encoding" not in headers:
                entry = headers.get("content-length")
                size = len(encoded)
                headers["content-length"] = (
                    entry[0] if entry is not None else "Content-Length",
                    LENGTH_STRINGS[size] if size < 4096 else str(size),
                )
            return
        original = self._body
        self._body = value

        if value is None:
            if self._status not in EMPTY_STATUSES:
                self.status = 204
            self._explicit_null_body = True
            headers = self._headers
            headers.pop("content-type", None)
            headers.pop("content-length", None)
            headers.pop("transfer-encoding", None)
            return
        self._explicit_null_body = False

        if not self._explicit_status:
            self.status = 200

        set_type = "content-type" not in self._headers

        if isinstance(value, str):
            if set_type:
                self.type = "html" if value.lstrip()[:1] == "<" else "text"
            self.length = len(value.encode("utf-8", "surrogatepass"))
            return

        if isinstance(value, _BYTES_TYPES):
            if set_type:
                self.type = "bin"
            self.length = value.nbytes if isinstance(value, memoryview) else len(value)
            return

        if is_stream_body(value):
            if original is not None and original is not value:
                self.remove("Content-Length")
            if set_type:
                self.type = "bin"
            return

        # Everything else is JSON; its length is computed when it is sent.
        self.remove("Content-Length")
        self.type = "json"

    @property
    def length(self) -> Optional[int]:
        """Content-Length as set, else computed from the body (``None`` for streams/no body)."""
        entry = self._headers.get("content-length")
        if entry is not None:
            value = entry[1]
            if isinstance(value, list):
                value = value[0] if value else ""
            try:
                return int(value)
            except ValueError:
                return 0
        body = self._body
        if body is None or is_stream_body(body):
            return None
        if isinstance(body, str):
            return len(body.encode("utf-8", "surrogatepass"))
        if isinstance(body, memoryview):
            return body.nbytes
        if isinstance(body, (bytes, bytearray)):
            return len(body)
        return len(json_bytes(body))

    @length.setter
    def length(self, value: Optional[int]) -> None:
        if value is None:
            self.remove("Content-Length")
        elif "transfer-encoding" not in self._headers:
            self.set("Content-Length", value)

    # --- content type -----------------------------------------------------

    @property
    def type(self) -> str:
        """Content-Type without parameters, ``''`` when unset."""
        value = self.get("Content-Type")
        if not value:
            return ""
        if isinstance(value, list):
            value = value[0]
        return value.split(";", 1)[0]

    @type.setter
    def type(self, value: Optional[str]) -> None:
        full = content_type(value) if value else None
        if full:
            self.set("Content-Type", full)
        else:
            self.remove("Content-Type")

    def is_(self, *types_: Any) -> Union[str, bool]:
        """Match the response Content-Type against ``types_`` (like ``request.is_``)."""
        current = self.type
        if not types_:
            return current or False
        return neg.type_is(current, types_)

    # --- headers ----------------------------------------------------------

    @property
    def headers(self) -> dict[str, Union[str, list[str]]]:
        """A copy of the response headers keyed by lower-case name."""
        return {key: entry[1] for key, entry in self._headers.items()}

    @property
    def header(self) -> dict[str, Union[str, list[str]]]:
        """Alias of :attr:`headers`."""
        return self.headers

    def header_list(self) -> list[tuple[str, str]]:
        """The headers as ``(name, value)`` lines, one per list item."""
        entries = list(self._headers.values())
        for entry in entries:
            if type(entry[1]) is list:
                break
        else:
            return entries  # PERF: the stored (name, value) pairs are the lines already
        out: list[tuple[str, str]] = []
        for name, value in entries:
            if type(value) is list:
                for item in value:
                    out.append((name, item))
            else:
                out.append((name, value))  # type: ignore[arg-type]
        return out

    def get(self, field: str) -> Union[str, list[str]]:
        """A response header value (case-insensitive), ``''`` when missing."""
        entry = self._headers.get(field.lower())
        return entry[1] if entry is not None else ""

    def has(self, field: str) -> bool:
        return field.lower() in self._headers

    def set(self, field: Union[str, Mapping[str, Any]], value: Any = None) -> None:
        """Set one header, or several from a mapping; values become ``str`` (lists allowed)."""
        if self.stream.headers_sent:
            return
        if type(field) is str:
            self._headers[field.lower()] = (field, value if type(value) is str else _header_value(value))
            return
        if isinstance(field, Mapping):
            for key, val in field.items():
                self.set(key, val)
            return
        self._headers[str(field).lower()] = (str(field), _header_value(value))

    def append(self, field: str, value: Any) -> None:
        """Add value(s) to a header, keeping what is there (``Set-Cookie``, ``Link``)."""
        prev = self.get(field)
        if prev:
            prev_list = list(prev) if isinstance(prev, list) else [prev]
            value = prev_list + (list(value) if isinstance(value, (list, tuple)) else [value])
        self.set(field, value)

    def remove(self, field: str) -> None:
        if self.stream.headers_sent:
            return
        self._headers.pop(field.lower(), None)

    def vary(self, field: Union[str, Iterable[str]]) -> None:
        """Add ``field`` to the Vary header (no duplicates, ``*`` wins)."""
        if self.stream.headers_sent:
            return
        current = self.get("Vary")
        if isinstance(current, list):
            current = ", ".join(current)
        value = append_vary(current, field)
        if value:
            self.set("Vary", value)

    # --- helpers ----------------------------------------------------------

    def redirect(self, url: str, alt: Optional[str] = None) -> None:
        """Redirect to ``url`` (``'back'``: the Referrer, else ``alt``, else ``'/'``)."""
        if url == "back":
            url = self.ctx.get("Referrer") or alt or "/"
        self.set("Location", encode_url(url))
        if self._status not in REDIRECT_STATUSES:
            self.status = 302
        if self.ctx.accepts("html"):
            escaped = html.escape(url, quote=True).replace("&#x27;", "&#39;")
            self.type = "text/html; charset=utf-8"
            self.body = f'Redirecting to <a href="{escaped}">{escaped}</a>.'
            return
        self.type = "text/plain; charset=utf-8"
        self.body = f"Redirecting to {url}."

    def attachment(self, filename: Optional[str] = None, **options: Any) -> None:
        """Content-Disposition: attachment (with the type taken from ``filename``'s extension)."""
        if filename:
            self.type = extname(filename)
        self.set("Content-Disposition", content_disposition(filename, **options))

    @property
    def etag(self) -> str:
        value = self.get("ETag")
        return value if isinstance(value, str) else (value[0] if value else "")

    @etag.setter
    def etag(self, value: str) -> None:
        value = str(value)
        if not (value.startswith('"') or value.startswith('W/"')):
            value = f'"{value}"'
        self.set("ETag", value)

    @property
    def last_modified(self) -> Optional[datetime]:
        value = self.get("Last-Modified")
        if not value or not isinstance(value, str):
            return None
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None

    @last_modified.setter
    def last_modified(self, value: Union[datetime, str, int, float]) -> None:
        self.set("Last-Modified", _to_http_date(value))

    # --- stream state -----------------------------------------------------

    @property
    def header_sent(self) -> bool:
        return self.stream.headers_sent

    @property
    def headers_sent(self) -> bool:
        """Alias of :attr:`header_sent`."""
        return self.stream.headers_sent

    @property
    def writable(self) -> bool:
        return self.stream.writable

    def flush_headers(self) -> None:
        """Send the head now; the body follows chunked (or with a preset Content-Length)."""
        if not self.stream.headers_sent:
            self.stream.start(self._status, self.message, self.header_list())

    def to_json(self) -> dict[str, Any]:
        return {"status": self._status, "message": self.message, "header": self.headers}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._status}>"
