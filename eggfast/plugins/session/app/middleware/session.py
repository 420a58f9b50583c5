"""The session middleware (Egg's core middleware ``session``): load before, commit after."""
import logging
from typing import Any, Awaitable, Callable

from eggfast.plugins.session.context import commit, load_from_store
from eggfast.plugins.session.install import session_options

log = logging.getLogger("eggfast.core.session")


def middleware(options: dict, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[None]]:
    opts = session_options(app)
    rolling = opts.rolling  # config is read by now; the store may still be set later (did_load)

    async def session(ctx: Any, next: Callable[[], Awaitable[Any]]) -> None:  # noqa: A002
        if opts.store is not None:
            await load_from_store(ctx, opts)
        try:
            await next()
        except Exception as err:
            # As koa-session: what the handler put in the session is kept even
            # when it then fails (a flash message before a 4xx); the error wins.
            current = ctx._eggfast_session
            try:
                if current is not None or rolling:
                    await commit(ctx, opts, current)
            except Exception as failure:
                (getattr(ctx, "core_logger", None) or log).error(
                    "[session] not saved after %s: %s", type(err).__name__, failure, exc_info=failure)
            raise
        # PERF: a request that never read ctx.session pays this one lookup (the
        # Context class holds None; ctx.session stores the session on the instance).
        current = ctx._eggfast_session
        if current is not None or rolling:
            await commit(ctx, opts, current)

    return session
