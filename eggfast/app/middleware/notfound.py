"""``notfound``: a 404 without a body gets one (JSON or HTML by Accept).

Options: ``page_url``: redirect HTML clients there instead (``ctx.real_status``
keeps 404); a request *for* that page, when nothing serves it, gets a hint
that the page is unimplemented.
"""
from __future__ import annotations

import html
from typing import Any, Awaitable, Callable

from eggfast.app import accept_json, has_body

__all__ = ["middleware", "NOT_FOUND_HTML"]

NOT_FOUND_HTML = "<h1>404 Not Found</h1>"


def middleware(options: Any, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[None]]:
    page_url = (options or {}).get("page_url") or ""

    async def notfound(ctx: Any, next: Callable[[], Awaitable[Any]]) -> None:
        await next()
        if ctx.status != 404 or has_body(ctx.body):
            return
        # Set the status first: assigning a body must not turn it into 200.
        ctx.status = 404
        if accept_json(ctx):
            ctx.body = {"message": "Not Found"}
            return
        if page_url and ctx.path == page_url:
            ctx.body = (
                f"{NOT_FOUND_HTML}<p><pre><code>config.notfound.page_url"
                f"({html.escape(page_url)})</code></pre> is unimplemented</p>"
            )
            return
        if page_url:
            ctx.real_status = 404
            ctx.redirect(page_url)
            return
        ctx.body = NOT_FOUND_HTML

    return notfound
