"""Build a Content-Disposition header value (RFC 6266 with RFC 8187 ``filename*``)."""
from __future__ import annotations

import re
from typing import Optional, Union
from urllib.parse import quote

__all__ = ["content_disposition"]

# Characters a quoted-string may carry as-is (printable ASCII plus latin-1 high half).
_QUOTABLE_RE = re.compile(r"^[\x20-\x7e\x80-\xff]+$")
_NON_LATIN1_RE = re.compile(r"[^\x20-\x7e\xa0-\xff]")
_HEX_ESCAPE_RE = re.compile(r"%[0-9A-Fa-f]{2}")
_TYPE_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def _basename(path: str) -> str:
    return path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ext_value(value: str) -> str:
    # RFC 8187 ext-value: UTF-8, everything outside attr-char percent-encoded.
    return "UTF-8''" + quote(value, safe="!", encoding="utf-8", errors="replace")


def content_disposition(
    filename: Optional[str] = None,
    type: str = "attachment",
    fallback: Union[bool, str] = True,
) -> str:
    """``attachment; filename="x.txt"``, adding ``filename*`` for non-latin-1 names.

    ``fallback`` is the ISO-8859-1 name offered to old clients: ``True`` derives
    it (non-latin-1 characters become ``?``), a string gives it, ``False``
    omits it.
    """
    if not isinstance(type, str) or not _TYPE_RE.match(type):
        raise TypeError("invalid type")
    kind = type.lower()
    if filename is None:
        return kind
    if not isinstance(filename, str):
        raise TypeError("filename must be a string")
    name = _basename(filename)
    quotable = bool(_QUOTABLE_RE.match(name))

    if isinstance(fallback, str):
        if _NON_LATIN1_RE.search(fallback):
            raise TypeError("fallback must be ISO-8859-1 string")
        fallback_name: Optional[str] = _basename(fallback)
    elif fallback:
        fallback_name = _NON_LATIN1_RE.sub("?", name)
    else:
        fallback_name = None
    has_fallback = fallback_name is not None and fallback_name != name

    params: list[str] = []
    if quotable or has_fallback:
        params.append("filename=" + _quoted(fallback_name if has_fallback else name))
    if has_fallback or not quotable or _HEX_ESCAPE_RE.search(name):
        params.append("filename*=" + _ext_value(name))
    return "; ".join([kind, *params])
