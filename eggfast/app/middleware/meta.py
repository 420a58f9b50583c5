"""``meta``: the ``x-readtime`` header (milliseconds the downstream took).

Options: ``logging`` (bool) writes ``[meta] request started ...`` to the
core logger for every request.
"""
from __future__ import annotations

import math
import time
from typing import Any, Awaitable, Callable

__all__ = ["middleware", "format_ms"]


def format_ms(ms: float) -> str:
    """Floor to three decimals and print like a JS number: ``1.5``, ``0.123``, ``2``."""
    value = math.floor(ms * 1000) / 1000
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def middleware(options: Any, app: Any) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[None]]:
    log_requests = bool((options or {}).get("logging", False))
    perf_counter = time.perf_counter

    async def meta(ctx: Any, next: Callable[[], Awaitable[Any]]) -> None:
        start = getattr(ctx, "performance_starttime", None)
        if start is None:
            start = ctx.performance_starttime = perf_counter()
            if getattr(ctx, "starttime", None) is None:
                ctx.starttime = time.time()
        if log_requests:
            logger = getattr(ctx, "core_logger", None) or app.core_logger
            logger.info(
                "[meta] request started, host: %s, user-agent: %s",
                ctx.host, ctx.request.headers.get("user-agent", ""),
            )
        await next()
        ctx.set("x-readtime", format_ms((perf_counter() - start) * 1000))

    return meta
