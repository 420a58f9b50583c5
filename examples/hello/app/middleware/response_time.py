"""App middleware: ``X-Response-Time`` for everything after it."""
import time


def middleware(options, app):
    header = options.get("header", "X-Response-Time")

    async def response_time(ctx, next):
        start = time.perf_counter()
        await next()
        ctx.set(header, f"{(time.perf_counter() - start) * 1000:.3f}ms")

    return response_time
