"""``multipart``: in file mode, a multipart request is read into ``ctx.request.files`` before the app runs,
and the temp files are removed when it is done (egg-multipart's file mode)."""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from eggfast.plugins.multipart.files import cleanup_files, read_to_files
from eggfast.plugins.multipart.parser import is_multipart, multipart_options

__all__ = ["middleware"]

Next = Callable[[], Awaitable[Any]]


def middleware(_options: Any, app: Any) -> Callable[[Any, Next], Awaitable[Any]]:
    options = multipart_options(app)
    file_mode = options.mode == "file"

    async def multipart(ctx: Any, next: Next) -> Any:  # noqa: A002 - Koa's name
        if not file_mode or ctx.method not in ("POST", "PUT", "PATCH") or not is_multipart(ctx):
            return await next()
        await read_to_files(ctx, options)
        try:
            return await next()
        finally:
            cleanup_files(ctx)

    return multipart
