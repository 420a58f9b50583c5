"""config.logrotator.files_rotate_by_size: rotated to <file>.1 .. <file>.N when too big."""
from eggfast.plugins.logrotator.rotator import LogRotator


def schedule(app):
    options = app.config.get("logrotator") or {}
    files = options.get("files_rotate_by_size") or []
    return {"type": "worker", "interval": options.get("rotate_duration") or 60, "disable": not files}


async def task(ctx):
    await LogRotator.of(ctx.app).rotate("size")
