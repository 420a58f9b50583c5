"""Rotated files older than config.logrotator.max_days are deleted, every day after midnight."""
from eggfast.plugins.logrotator.rotator import LogRotator


def schedule(app):
    days = (app.config.get("logrotator") or {}).get("max_days")
    return {"type": "worker", "cron": "0 1 0 * * *", "disable": not days}


async def task(ctx):
    await LogRotator.of(ctx.app).clean()
