"""JSONP for selected routes (egg-jsonp): callback checks, the safe wrapper, the CSRF / referrer checks.

A JSONP response is ``/**/ typeof cb === 'function' && cb(<json>);`` with
``Content-Type: application/javascript`` and ``X-Content-Type-Options:
nosniff``.  The callback comes from the first present query key in
``callback``; characters other than letters, digits, ``_``, ``$``, ``.``,
``[`` and ``]`` are dropped and the rest is cut to ``limit`` characters
(Egg's jsonp-body), so no request can put markup or code into the
response.  The JSON is escaped further: ``<``, ``>``, ``&``, U+2028 and
U+2029 become ``\\u`` escapes, so the body never closes a ``<script>``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Pattern, Union
from urllib.parse import urlsplit

import orjson

from eggfast.errors import ConfigError, HttpError

__all__ = ["JsonpOptions", "jsonp_options", "make_jsonp", "jsonp_body", "sanitize_callback", "JSONP_KEY"]

JSONP_KEY = "_eggfast_jsonp"
_UNSAFE = re.compile(r"[^\w$.\[\]]", re.ASCII)
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
Rule = Union[str, Pattern[str]]


@dataclass(frozen=True)
class JsonpOptions:
    """``config.jsonp`` (merged with a route's options), checked."""

    callback: tuple[str, ...]
    limit: int
    csrf: bool
    white_list: tuple[Rule, ...]


def jsonp_options(conf: Any, override: Optional[dict] = None) -> JsonpOptions:
    """Check and freeze ``conf`` (+ ``override``); a bad value is a ConfigError naming the key."""
    merged = dict(conf or {})
    merged.update(override or {})
    callback = merged.get("callback", ["_callback", "callback"])
    if isinstance(callback, str):
        callback = [callback]
    if not callback or not all(isinstance(c, str) and c for c in callback):
        raise ConfigError(f"config.jsonp.callback: a query key or a list of them is required, not {callback!r}")
    limit = merged.get("limit", 50)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ConfigError(f"config.jsonp.limit: a whole number >= 1 is required, not {limit!r}")
    white = merged.get("white_list")
    if white is None:
        white = []
    elif isinstance(white, (str, re.Pattern)):
        white = [white]
    for rule in white:
        if not isinstance(rule, (str, re.Pattern)):
            raise ConfigError(f"config.jsonp.white_list: hosts ('.a.com' for a domain and its subdomains) "
                              f"or compiled regexes are required, not {rule!r}")
    return JsonpOptions(tuple(callback), limit, bool(merged.get("csrf", False)), tuple(white))


def sanitize_callback(value: Any, limit: int) -> str:
    """The callback name to use ('' for none): unsafe characters dropped, at most ``limit`` long."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return ""
    return _UNSAFE.sub("", value)[:limit]


def jsonp_body(body: Any, callback: str) -> str:
    """``body`` as JSON (bytes as UTF-8 text, None as nothing), escaped and wrapped for ``callback``."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        body = bytes(body).decode("utf-8", "replace")
    data = "" if body is None else orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
    data = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], data)
    return f"/**/ typeof {callback} === 'function' && {callback}({data});"


def _referer_ok(ctx: Any, rules: tuple[Rule, ...]) -> bool:
    referer = ctx.get("referer")
    if not referer:
        return False
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return False
    for rule in rules:
        if isinstance(rule, re.Pattern):
            if rule.search(referer):
                return True
            continue
        rule = rule.lower()
        if rule.startswith("."):
            if host == rule[1:] or host.endswith(rule):
                return True
        elif host == rule:
            return True
    return False


def _csrf_ok(ctx: Any) -> bool:
    check = getattr(ctx, "assert_csrf", None)
    if check is None:
        raise ConfigError("config.jsonp.csrf needs the security plugin (ctx.assert_csrf)")
    try:
        check()
    except HttpError:
        return False
    return True


def make_jsonp(app: Any, override: Optional[dict] = None) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    """The ``app.jsonp(options)`` middleware."""
    options = jsonp_options(app.config.get("jsonp") or {}, override)
    keys, limit, csrf, white = options.callback, options.limit, options.csrf, options.white_list

    async def jsonp(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002 - Koa's name
        query = ctx.query
        callback = ""
        for key in keys:
            if key in query:
                callback = sanitize_callback(query[key], limit)
                break
        ctx.__dict__[JSONP_KEY] = (callback, options)
        if callback and (csrf or white):
            # either check may pass when both are on (egg-jsonp)
            passed = (bool(white) and _referer_ok(ctx, white)) or (csrf and _csrf_ok(ctx))
            if not passed:
                raise HttpError(403, "jsonp request security validate failed")
        await next()
        if callback:
            ctx.create_jsonp_body(ctx.body)

    return jsonp
