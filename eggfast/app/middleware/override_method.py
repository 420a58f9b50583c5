"""``override_method``: lets a POST stand for another method.

For a request whose method is in ``allowed_methods`` (default ``["POST"]``),
a ``_method`` field of the parsed body, or the ``X-HTTP-Method-Override``
header (which wins), replaces ``ctx.method``; the original stays in
``ctx.request.original_method``.  An unknown method is a 400.  It runs
after ``body_parser`` so that form and JSON bodies can carry ``_method``.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping

from eggfast.errors import HttpError

__all__ = ["middleware", "KNOWN_METHODS"]

#: methods a request may be turned into (the registered HTTP methods Node knows).
KNOWN_METHODS = frozenset(
    """ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE
    MKACTIVITY MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH
    PURGE PUT REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK
    UNSUBSCRIBE""".split()
)


def middleware(options: Any, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    allowed = {m.upper() for m in ((options or {}).get("allowed_methods") or ["POST"])}

    async def override_method(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        original = ctx.method
        if original not in allowed:
            return await next()
        wanted = None
        body = ctx.request.body
        if isinstance(body, Mapping):
            field = body.get("_method")
            if isinstance(field, str) and field:
                wanted = field
        header = ctx.request.headers.get("x-http-method-override")
        if header:
            wanted = header
        if wanted is not None:
            method = wanted.strip().upper()
            if method not in KNOWN_METHODS:
                raise HttpError(400, f'invalid overridden method: "{wanted}"')
            ctx.request.original_method = original
            ctx.method = method
        return await next()

    return override_method
