"""examples/hello: a Koa-style eggfast app built in code (what `make run` serves).

    python -m eggfast serve-example          # or: make run
    curl -i http://127.0.0.1:7001/
    curl -i http://127.0.0.1:7001/json
    curl -i -d 'hello' http://127.0.0.1:7001/echo
    curl -i http://127.0.0.1:7001/user/42
    curl -i http://127.0.0.1:7001/stream
"""
from __future__ import annotations

import asyncio
import time

from eggfast import Application


async def response_time(ctx, next):
    """Outermost layer: X-Response-Time for the whole onion."""
    start = time.perf_counter()
    await next()
    ctx.set("X-Response-Time", f"{(time.perf_counter() - start) * 1000:.3f}ms")


async def powered_by(ctx, next):
    await next()
    ctx.set("X-Powered-By", "eggfast")


async def index(ctx):
    ctx.body = "Hello, eggfast!\n"


async def json_route(ctx):
    ctx.body = {"message": "Hello, JSON", "framework": "eggfast"}


async def echo(ctx):
    data = await ctx.request.read(limit=1024 * 1024)
    ctx.type = ctx.request.type or "application/octet-stream"
    ctx.body = data


async def user(ctx):
    ctx.body = {"id": ctx.params["id"], "query": ctx.query}


async def stream(ctx):
    async def numbers():
        for i in range(5):
            yield f"{i}\n".encode()
            await asyncio.sleep(0)

    ctx.type = "text"
    ctx.body = numbers()


def create_app() -> Application:
    app = Application()
    app.use(response_time)
    app.use(powered_by)
    router = app.router
    router.get("index", "/", index)
    router.get("/json", json_route)
    router.post("/echo", echo)
    router.get("user", "/user/:id", user)
    router.get("/stream", stream)
    return app


if __name__ == "__main__":
    create_app().listen(7001, host="127.0.0.1")
