"""config.logrotator.files_rotate_by_hour: renamed to <file>.YYYY-MM-DD-HH every hour."""
from eggfast.plugins.logrotator.rotator import LogRotator


def schedule(app):
    files = (app.config.get("logrotator") or {}).get("files_rotate_by_hour") or []
    return {"type": "worker", "cron": "0 0 * * * *", "disable": not files}


async def task(ctx):
    await LogRotator.of(ctx.app).rotate("hour")
