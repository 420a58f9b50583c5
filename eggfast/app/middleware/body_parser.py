"""``body_parser``: parses JSON and urlencoded (and optionally text) request bodies.

``ctx.request.body`` becomes the parsed value (``{}`` when the request has no
body of an enabled type, GET included) and ``ctx.request.raw_body`` the
decoded text.  A body already set (``ctx.request.body is not None``) or
``ctx.disable_body_parser`` skips parsing.

Errors (all exposed to the client):

* over ``json_limit`` / ``form_limit`` / ``text_limit`` → 413
  ``request entity too large: body_parser.json_limit is 1mb``;
* malformed JSON, or a non-object/array top level in ``strict`` mode → 400
  (onerror answers JSON clients ``Problems parsing JSON``);
* an unknown charset → 415 ``unsupported charset "X"``; an unknown
  ``Content-Encoding`` → 415.

Forms are parsed like Egg's ``qs``: ``a[b]=1`` nests (``depth`` 5),
``a[]=1`` and ``a[0]=1`` make lists (indexes up to ``array_limit`` 100),
at most ``parameter_limit`` (1000) pairs are read; see
:func:`eggfast.http.qs.parse_qs`.
"""
from __future__ import annotations

import codecs
import json
import re
import zlib
from typing import Any, Awaitable, Callable, Mapping, Optional, Union

import orjson

from eggfast.errors import HttpError
from eggfast.http.qs import parse_qs

__all__ = [
    "middleware",
    "parse_bytes",
    "parse_qs",
    "parse_json",
    "JSONSyntaxError",
    "JSON_TYPES",
    "FORM_TYPES",
    "TEXT_TYPES",
    "XML_TYPES",
]

JSON_TYPES = [
    "application/json",
    "application/json-patch+json",
    "application/vnd.api+json",
    "application/csp-report",
    "application/scim+json",
]
FORM_TYPES = ["application/x-www-form-urlencoded"]
TEXT_TYPES = ["text/plain"]
XML_TYPES = ["text/xml", "application/xml"]

_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40, "pb": 1 << 50}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?b)?\s*$", re.IGNORECASE)
_STRICT_JSON_START = re.compile(r"^[\x20\x09\x0a\x0d]*[\[{]")


class JSONSyntaxError(HttpError, ValueError):
    """A request body that is not acceptable JSON (400, exposed)."""

    name = "SyntaxError"


def parse_bytes(value: Union[str, int, float, None]) -> Optional[int]:
    """``'1mb'`` → 1048576, ``'100kb'`` → 102400, ``512`` → 512; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"invalid size: {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    match = _SIZE.match(value)
    if not match:
        raise ValueError(f"invalid size {value!r}: use a number of bytes or e.g. '100kb', '1mb'")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "b").lower()])


# --- urlencoded forms, the qs way --------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Unexpected token {name} in JSON")


def parse_json(text: str, strict: bool = True) -> Any:
    """Parse a JSON body; strict mode wants an object or array (``''`` gives ``{}``)."""
    if strict:
        if not text:
            return {}
        if not _STRICT_JSON_START.match(text):
            raise JSONSyntaxError(400, "invalid JSON, only supports object and array", body=text)
    elif not text:
        return text
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as err:
        first = err
    try:  # integers beyond 64 bits, which JSON.parse accepts too
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise JSONSyntaxError(400, str(first), body=text) from None


# --- the middleware ----------------------------------------------------------------


def _types(options: Mapping[str, Any], kind: str, base: list[str]) -> list[str]:
    extra = (options.get("extend_types") or {}).get(kind) or []
    if isinstance(extra, str):
        extra = [extra]
    return list(base) + [t for t in extra if t not in base]


def _limit(options: Mapping[str, Any], key: str) -> tuple[Optional[int], str]:
    raw = options.get(key, "1mb")
    return parse_bytes(raw), str(raw)


def middleware(options: Any, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    options = dict(options or {})
    enabled = set(options.get("enable_types") or ["json", "form"])
    unknown = enabled - {"json", "form", "text", "xml"}
    if unknown:
        raise ValueError(f"config.body_parser.enable_types: unknown type(s) {sorted(unknown)}")
    json_types = _types(options, "json", JSON_TYPES)
    form_types = _types(options, "form", FORM_TYPES)
    text_types = _types(options, "text", TEXT_TYPES)
    xml_types = _types(options, "xml", XML_TYPES)
    limits = {
        "json": _limit(options, "json_limit"),
        "form": _limit(options, "form_limit"),
        "text": _limit(options, "text_limit"),
        "xml": _limit(options, "xml_limit") if "xml_limit" in options else _limit(options, "text_limit"),
    }
    limit_keys = {"json": "json_limit", "form": "form_limit", "text": "text_limit",
                  "xml": "xml_limit" if "xml_limit" in options else "text_limit"}
    encoding = options.get("encoding") or "utf8"
    strict = options.get("strict", True) is not False
    qs_options = dict(options.get("query_string") or {})
    qs_kwargs = {
        "depth": int(qs_options.get("depth", 5)),
        "array_limit": int(qs_options.get("array_limit", 100)),
        "parameter_limit": int(qs_options.get("parameter_limit", 1000)),
        "allow_dots": bool(qs_options.get("allow_dots", False)),
    }
    detect_json = options.get("detect_json")

    def kind_of(ctx: Any) -> Optional[str]:
        request = ctx.request
        if "json" in enabled and ((detect_json is not None and detect_json(ctx)) or request.is_(json_types)):
            return "json"
        if "form" in enabled and request.is_(form_types):
            return "form"
        if "text" in enabled and request.is_(text_types):
            return "text"
        if "xml" in enabled and request.is_(xml_types):
            return "xml"
        return None

    async def read_text(ctx: Any, kind: str) -> str:
        request = ctx.request
        limit, shown = limits[kind]
        too_large = f"request entity too large: body_parser.{limit_keys[kind]} is {shown}"
        content_encoding = (request.headers.get("content-encoding") or "identity").strip().lower()
        if content_encoding not in ("identity", "gzip", "deflate", "x-gzip"):
            raise HttpError(415, f"Unsupported Content-Encoding: {content_encoding}", type="encoding.unsupported")
        charset = (request.charset or encoding).strip().lower()
        try:
            codec = codecs.lookup(charset)
        except LookupError:
            raise HttpError(415, f'unsupported charset "{charset.upper()}"', charset=charset,
                            type="charset.unsupported") from None
        length = request.length
        if limit is not None and content_encoding == "identity" and length is not None and length > limit:
            raise HttpError(413, too_large, expected=length, limit=limit, type="entity.too.large")
        try:
            data = await request.read(limit=limit)
        except HttpError as err:
            if err.status == 413 and limit is not None:  # without one, the server's bound names its own key
                raise HttpError(413, too_large, limit=limit, type="entity.too.large") from None
            raise
        if content_encoding != "identity":
            data = _inflate(data, content_encoding, limit, too_large)
        if limit is not None and len(data) > limit:
            raise HttpError(413, too_large, limit=limit, type="entity.too.large")
        return codec.decode(data, "replace")[0]

    async def body_parser(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        request = ctx.request
        if request.body is not None or getattr(ctx, "disable_body_parser", False):
            return await next()
        # PERF: no body (or no Content-Type) matches no parser: skip the four
        # type checks, unless a detect_json hook may still say JSON.
        kind = None if detect_json is None and request.is_() is None else kind_of(ctx)
        if kind is None:
            request.body = {}
            return await next()
        try:
            text = await read_text(ctx, kind)
            if kind == "json":
                parsed: Any = parse_json(text, strict)
            elif kind == "form":
                try:
                    parsed = parse_qs(text, **qs_kwargs)
                except (ValueError, RecursionError) as err:
                    raise HttpError(400, f"invalid urlencoded body: {err}") from None
            else:
                parsed = text
        except HttpError as err:
            if not err.message.endswith("check body_parser config") and err.status != 413:
                err.message = f"{err.message}, check body_parser config"
                err.args = (err.message,)
            raise
        request.body = parsed
        if request.raw_body is None:
            request.raw_body = text
        return await next()

    return body_parser


def _inflate(data: bytes, content_encoding: str, limit: Optional[int], too_large: str) -> bytes:
    wbits = 16 + zlib.MAX_WBITS if content_encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    try:
        out = decoder.decompress(data, (limit + 1) if limit is not None else 0)
        if limit is not None and (len(out) > limit or decoder.unconsumed_tail):
            raise HttpError(413, too_large, limit=limit, type="entity.too.large")
        out += decoder.flush()
    except zlib.error:
        if content_encoding == "deflate":  # some clients send raw deflate
            try:
                raw = zlib.decompressobj(-zlib.MAX_WBITS)
                out = raw.decompress(data, (limit + 1) if limit is not None else 0)
                if limit is not None and (len(out) > limit or raw.unconsumed_tail):
                    raise HttpError(413, too_large, limit=limit, type="entity.too.large")
                return out + raw.flush()
            except zlib.error:
                pass
        raise HttpError(400, f"invalid {content_encoding} request body") from None
    return out
