"""``static``: GET and HEAD under a configured prefix are answered from a folder (docs/static.md)."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from eggfast.plugins.static.serve import StaticServer, static_options

__all__ = ["middleware"]

Next = Callable[[], Awaitable[Any]]


def middleware(_options: Any, app: Any) -> Callable[[Any, Next], Awaitable[Any]]:
    server = StaticServer(static_options(app, refresh=True))
    serve = server.serve

    async def static(ctx: Any, next: Next) -> Any:  # noqa: A002 - Koa's name
        method = ctx.method
        if (method == "GET" or method == "HEAD") and serve(ctx):
            return None
        return await next()

    return static
