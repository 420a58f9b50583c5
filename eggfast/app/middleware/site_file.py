"""``site_file``: answers well-known paths such as ``/favicon.ico`` early.

Options: every key starting with ``/`` is a path.  Its value may be

* a ``str``: a URL to redirect to (302);
* ``bytes``: the file itself, sent with ``Cache-Control: public,
  max-age=<cache_max_age>`` (or ``cache_control`` verbatim) and a type
  from the path's extension;
* a callable ``(ctx)`` (sync or async) returning either, or a false value to
  pass the request on.

Only GET and HEAD are answered; anything else goes downstream.
"""
from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from eggfast.defaults import THIRTY_DAYS

__all__ = ["middleware"]


def middleware(options: Any, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    options = options or {}
    files = {key: value for key, value in options.items() if isinstance(key, str) and key.startswith("/")}
    cache_control = options.get("cache_control")
    if not cache_control:
        max_age = options.get("cache_max_age")
        max_age = THIRTY_DAYS if max_age is None else int(max_age)
        cache_control = f"public, max-age={max_age}"

    async def site_file(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        method = ctx.method
        if method != "GET" and method != "HEAD":
            return await next()
        content = files.get(ctx.path)
        if content is None:
            return await next()
        if callable(content):
            content = content(ctx)
            if inspect.isawaitable(content):
                content = await content
        if not content:
            return await next()
        if isinstance(content, str):
            ctx.redirect(content)
            return None
        if isinstance(content, (bytes, bytearray, memoryview)):
            ctx.set("Cache-Control", cache_control)
            ctx.body = bytes(content)
            ctx.type = _extension(ctx.path)
            return None
        return await next()

    return site_file


def _extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""
