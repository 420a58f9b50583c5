def middleware(options, app):
    value = options.get("value", "yadan")

    async def yadan_header(ctx, next):
        await next()
        ctx.set("X-Framework", value)

    return yadan_header
