"""Readiness and liveness answers for orchestrators (``config.health``), before any middleware.

``readiness_path`` answers ``200 ok`` while the process serves and ``503
draining`` from the moment a drain starts (SIGTERM, a rolling reload, a
recycled worker), so a load balancer stops sending new work while in-flight
requests finish.  ``liveness_path`` answers ``200 ok`` whenever the event loop
runs (a blocked loop does not answer at all).  Both are off (``""``) by
default; the middleware is mounted only when one is set.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional

__all__ = ["DrainState", "health_middleware", "mount_health"]


class DrainState:
    """Whether this process has started draining (shared by the health answers and the worker)."""

    def __init__(self) -> None:
        self.draining = False


def health_middleware(readiness_path: str, liveness_path: str,
                      state: DrainState) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
    """The middleware answering the two paths (GET/HEAD), passing everything else on."""

    async def health(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:
        path = ctx.path
        if path == readiness_path and readiness_path:
            ctx.set("Cache-Control", "no-store")
            if state.draining:
                ctx.status = 503
                ctx.body = "draining"
            else:
                ctx.body = "ok"
            return None
        if path == liveness_path and liveness_path:
            ctx.set("Cache-Control", "no-store")
            ctx.body = "ok"
            return None
        return await next()

    return health


def mount_health(app: Any, state: DrainState) -> Optional[Callable]:
    """Put the health middleware first in ``app.middleware`` when ``config.health`` sets a path."""
    config = app.config.get("health") or {}
    readiness = str(config.get("readiness_path") or "")
    liveness = str(config.get("liveness_path") or "")
    if not readiness and not liveness:
        return None
    middleware = health_middleware(readiness, liveness, state)
    app.middleware.insert(0, middleware)
    return middleware
