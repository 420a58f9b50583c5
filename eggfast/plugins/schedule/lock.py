"""The cross-machine lock of ``type: "worker"`` schedules (beyond Egg), on Redis.

Every machine's agent ticks at the same wall-clock moments (ticks are
aligned, see :mod:`eggfast.plugins.schedule.core`), so the tick time names
the run: the worker the agent picked does ``SET <prefix><name>:<tick> <pid>
NX PX <expire>``; the machine that sets it runs the tick, the others skip it.
The key expires after ``expire`` seconds (default: half the interval, at
most 60 s, at least 1 ms); it only needs to outlive the clock skew between
machines.  When Redis is down the run is skipped and logged (running it
could run it twice).
"""
from __future__ import annotations

import os
from typing import Any, Optional

from eggfast.errors import ConfigError
from eggfast.plugins.schedule.core import ScheduleItem

__all__ = ["RedisTickLock"]


class RedisTickLock:
    """``acquire(item, tick)`` is True on the one machine that runs that tick."""

    def __init__(self, client: Any, prefix: str = "eggfast:schedule:", expire: Optional[float] = None) -> None:
        self.client = client
        self.prefix = prefix
        self.expire = expire
        self.logger: Any = None

    @classmethod
    def from_config(cls, config: Any) -> "RedisTickLock":
        """Build from ``config.schedule.lock`` (client options default to ``config.redis.client``)."""
        import redis.asyncio

        lock = (config.get("schedule") or {}).get("lock") or {}
        options = lock.get("client") or (config.get("redis") or {}).get("client")
        if not isinstance(options, dict):
            raise ConfigError("config.schedule.lock.client (or config.redis.client) must be a dict such as "
                              "{'host': '127.0.0.1', 'port': 6379}")
        expire = lock.get("expire")
        if expire is not None and (not isinstance(expire, (int, float)) or expire <= 0):
            raise ConfigError(f"config.schedule.lock.expire must be positive seconds, not {expire!r}")
        return cls(redis.asyncio.Redis(**dict(options)), str(lock.get("prefix") or "eggfast:schedule:"), expire)

    def ttl_ms(self, item: ScheduleItem) -> int:
        """The lock's lifetime: ``expire``, capped below the interval."""
        period = item.interval if item.interval is not None else 60.0
        ttl = self.expire if self.expire is not None else min(period / 2, 60.0)
        ttl = min(ttl, period * 0.9)
        return max(int(ttl * 1000), 1)

    async def check(self) -> None:
        """Fail start-up when Redis cannot be reached."""
        try:
            await self.client.ping()
        except Exception as exc:
            raise ConfigError(f"schedule lock: cannot reach Redis (config.schedule.lock.client): "
                              f"{type(exc).__name__}: {exc}") from None

    async def acquire(self, item: ScheduleItem, tick: Any) -> bool:
        """Take the lock of ``item``'s ``tick``; False when another machine has it or Redis is down."""
        key = f"{self.prefix}{item.name}:{tick}"
        try:
            return bool(await self.client.set(key, str(os.getpid()), nx=True, px=self.ttl_ms(item)))
        except Exception as exc:
            if self.logger is not None:
                self.logger.error("[eggfast:schedule] %s: lock failed, tick skipped: %s", item.name, exc)
            return False

    async def close(self) -> None:
        await self.client.aclose()
