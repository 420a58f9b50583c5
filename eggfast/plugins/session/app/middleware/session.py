"""The session middleware (Egg's core middleware ``session``): load before, commit after."""
import logging
from typing import Any, Awaitable, Callable

from eggfast.plugins.session.context import SLOT, commit, load_from_store
from eggfast.plugins.session.install import session_options

log = logging.getLogger("eggfast.core.session")


def middleware(options: dict, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[None]]:
    opts = session_options(app)

    async def session(ctx: Any, next: Callable[[], Awaitable[Any]]) -> None:  # noqa: A002
        if opts.store is not None:
            await load_from_store(ctx, opts)
        try:
            await next()
        except Exception as err:
            # As koa-session: what the handler put in the session is kept even
            # when it then fails (a flash message before a 4xx); the error wins.
            current = ctx.__dict__.get(SLOT)
            try:
                if current is not None or opts.rolling:
                    await commit(ctx, opts, current)
            except Exception as failure:
                (getattr(ctx, "core_logger", None) or log).error(
                    "[session] not saved after %s: %s", type(err).__name__, failure, exc_info=failure)
            raise
        # PERF: a request that never read ctx.session pays this one lookup.
        current = ctx.__dict__.get(SLOT)
        if current is not None or opts.rolling:
            await commit(ctx, opts, current)

    return session
