"""Pure twin of the response-head writer: status line + headers -> bytes.

Header names must be HTTP tokens; values may hold tab, visible ASCII and
latin-1 (obs-text) only.  CR, LF, NUL and other controls, or characters
outside latin-1, raise :class:`InvalidHeaderError` and nothing is written.
"""

import re
from typing import Iterable

from eggfast.errors import InvalidHeaderError
from eggfast.http.hdrs import STATUS_REASONS

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_BAD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_STATUS_LINES: dict[tuple[str, int], bytes] = {}


def status_line(version: str, status: int, reason: str | None = None) -> bytes:
    """``HTTP/<version> <status> <reason>\\r\\n``; the reason is validated like a value."""
    if reason is None or reason == STATUS_REASONS.get(status):
        key = (version, status)
        line = _STATUS_LINES.get(key)
        if line is None:
            if not isinstance(status, int) or not 100 <= status <= 999:
                raise InvalidHeaderError(f"invalid status code {status!r}")
            line = f"HTTP/{version} {status} {STATUS_REASONS.get(status, '')}\r\n".encode("latin-1")
            _STATUS_LINES[key] = line
        return line
    if not isinstance(status, int) or not 100 <= status <= 999:
        raise InvalidHeaderError(f"invalid status code {status!r}")
    _check_value("status message", reason)
    return f"HTTP/{version} {status} {reason}\r\n".encode("latin-1")


def _check_value(name: str, value: str) -> None:
    if _BAD_VALUE.search(value):
        raise InvalidHeaderError(f"Invalid character in header {name!r}: control characters (CR, LF, NUL) are not allowed")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidHeaderError(
            f"Invalid character in header {name!r}: only latin-1 is allowed; percent-encode or RFC 8187-encode the value"
        ) from None


def build_head(version: str, status: int, reason: str | None, headers: Iterable[tuple[str, str]]) -> bytes:
    """Serialize a response head, validating every name and value first."""
    return build_response(version, status, reason, headers)


def build_response(
    version: str, status: int, reason: str | None, headers: Iterable[tuple[str, str]], extra: bytes = b"", body: bytes = b""
) -> bytes:
    """A whole response: the head (as :func:`build_head`) and then ``body``.

    ``extra`` holds the server's own header lines (framing, Date), already
    serialized and trusted; they follow ``headers``.
    """
    parts = [status_line(version, status, reason).decode("latin-1")]
    for name, value in headers:
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise InvalidHeaderError(f"Invalid header name {name!r}")
        if not isinstance(value, str):
            value = str(value)
        _check_value(name, value)
        parts.append(f"{name}: {value}\r\n")
    return b"".join(("".join(parts).encode("latin-1"), extra, b"\r\n", body))


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (empty data is not allowed here: it ends the body)."""
    return b"%x\r\n%b\r\n" % (len(data), data)
