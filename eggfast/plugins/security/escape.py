"""The helper escapes of Egg's security plugin: ``surl``, ``sjs``, ``sjson``.

* :func:`surl` keeps a URL for an HTML attribute: a path (``/...``) or a
  URL whose ``scheme://`` is ``http``, ``https``, ``file``, ``data`` or in
  ``security.protocol_white_list``; anything else becomes ``''``.  Then
  ``" ' < >`` are escaped.  A non-string is returned as it is.
* :func:`sjs` escapes a string for a JavaScript string literal: every ASCII
  character but ``0-9 A-Z a-z`` becomes ``\\xHH`` (tab, CR, LF become
  ``\\t \\r \\n``); other characters stay.  Egg writes one hex digit below
  0x10 (``\\x0``, a JavaScript syntax error); eggfast always writes two.
* :func:`sjson` is JSON whose keys and string values went through
  :func:`sjs` first, as Egg's does (so the JSON text holds ``\\\\x3c`` for
  ``<``).
"""
from __future__ import annotations

from typing import Any, Iterable

import orjson

__all__ = ["surl", "sjs", "sjson", "DEFAULT_PROTOCOLS"]

DEFAULT_PROTOCOLS = frozenset({"http", "https", "file", "data"})
_URL_ESCAPES = str.maketrans({'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#x27;"})
_JS_ESCAPES = str.maketrans({
    code: ("\\t" if code == 9 else "\\n" if code == 10 else "\\r" if code == 13 else f"\\x{code:02x}")
    for code in range(128)
    if not chr(code).isalnum()
})


def surl(value: Any, protocols: Iterable[str] = DEFAULT_PROTOCOLS) -> Any:
    """``value`` safe for an ``href``/``src`` attribute, ``''`` for an unlisted scheme."""
    if not isinstance(value, str):
        return value
    if value[:1] != "/":
        scheme, sep, _ = value.partition("://")
        if not sep or not scheme or scheme.lower() not in protocols:
            return ""
    return value.translate(_URL_ESCAPES)


def sjs(value: Any) -> str:
    """``value`` (made a str) with ASCII punctuation, spaces and controls as ``\\xHH``."""
    return str(value).translate(_JS_ESCAPES)


def _sanitize(value: Any) -> Any:
    if isinstance(value, str):
        return sjs(value)
    if isinstance(value, dict):
        return {(sjs(k) if isinstance(k, str) else k): _sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitize(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return sjs(bytes(value).decode("utf-8", "replace"))
    return value


def sjson(value: Any) -> str:
    """JSON of ``value`` with every key and string value escaped by :func:`sjs` (Egg's ``sjson``)."""
    return orjson.dumps(_sanitize(value), option=orjson.OPT_NON_STR_KEYS).decode()
