async def index(ctx):
    ctx.body = {
        "framework": ctx.framework,
        "level": ctx.app.config.level,
        "audit": ctx.service.audit.record("index"),
    }
