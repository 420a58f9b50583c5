"""A plugin's middleware: ``X-Powered-By``."""


def middleware(options, app):
    value = options.get("value", "eggfast")

    async def powered_by(ctx, next):
        await next()
        ctx.set("X-Powered-By", value)

    return powered_by
