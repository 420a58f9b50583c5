"""Every log file not rotated by hour or by size: renamed to <file>.YYYY-MM-DD at midnight."""
from eggfast.plugins.logrotator.rotator import LogRotator

schedule = {"type": "worker", "cron": "0 0 0 * * *"}


async def task(ctx):
    await LogRotator.of(ctx.app).rotate("day")
