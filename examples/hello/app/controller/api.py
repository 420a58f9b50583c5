"""Function controllers: plain ``async def action(ctx)``."""
import asyncio


async def echo(ctx):
    # body_parser leaves text/plain alone, so the raw body is still unread.
    data = await ctx.request.read(limit=1024 * 1024)
    ctx.type = ctx.request.type or "application/octet-stream"
    ctx.body = data


async def json_echo(ctx):
    ctx.body = {"received": ctx.request.body}


async def user(ctx):
    ctx.body = {"id": ctx.params["id"], "query": ctx.query}


async def stream(ctx):
    async def numbers():
        for i in range(5):
            yield f"{i}\n".encode()
            await asyncio.sleep(0)

    ctx.type = "text"
    ctx.body = numbers()
