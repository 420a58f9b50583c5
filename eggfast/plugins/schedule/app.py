"""The schedule plugin in an app worker: runs the ticks the agent sends, and ``app.run_schedule``.

Each run gets an anonymous context (``SCHEDULE /__schedule?path=<name>``,
``ctx.state["schedule"] == {"name", "tick"}``),
is logged to ``eggfast-schedule.log`` with its duration (and the error when
it fails), and an error is logged and emitted as the app's ``error`` event:
it never kills the worker.  A tick that arrives while this worker still runs
the same schedule is skipped and logged (no pile-up).  A ``type: "worker"``
run reports its end to the agent (``eggfast-schedule-done``).  With
``config.schedule.lock.enable`` a ``type: "worker"`` run first takes a Redis
lock for its tick (``SET NX PX``), so machines running the same app run each
tick once (see :mod:`eggfast.plugins.schedule.lock`).
"""
from __future__ import annotations

import asyncio
import os
import time
from typing import Any, Optional

import eggfast
from eggfast.plugins.schedule.core import ScheduleItem, load_schedules, schedule_directories

TICK = "eggfast-schedule"
DONE = "eggfast-schedule-done"


class ScheduleWorker:
    """The worker's side: ``app.schedule``."""

    def __init__(self, app: Any, items: dict[str, ScheduleItem]) -> None:
        self.app = app
        #: key (file path) -> item
        self.items = items
        self.logger = app.get_logger("schedule_logger") if hasattr(app, "get_logger") else app.logger
        #: keys running in this worker now
        self.running: set[str] = set()
        self.tasks: set[asyncio.Task] = set()
        self.lock: Any = None
        self.closed = False
        self._ids = 0

    def find(self, name: str) -> ScheduleItem:
        """The schedule called ``name`` (its path under app/schedule without .py, or its file path)."""
        for item in self.items.values():
            if name in (item.name, item.key) or name == str(item.path.with_suffix("")):
                return item
        known = ", ".join(sorted(i.name for i in self.items.values())) or "none"
        raise KeyError(f"no schedule {name!r}; known: {known}")

    def on_tick(self, data: Any) -> None:
        if self.closed or not isinstance(data, dict):
            return
        item = self.items.get(data.get("key"))
        if item is None:
            self.logger.error("[eggfast:schedule] unknown schedule %r sent by the agent", data.get("key"))
            return
        tick = data.get("tick")
        task = asyncio.ensure_future(self._tick(item, tick))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _tick(self, item: ScheduleItem, tick: Any) -> None:
        try:
            if item.key in self.running:
                self.logger.warning("[eggfast:schedule] %s: tick %s skipped, the previous run is still running "
                                    "in this worker", item.name, tick)
                return
            if item.type == "worker" and self.lock is not None:
                if not await self.lock.acquire(item, tick):
                    self.logger.info("[eggfast:schedule] %s: tick %s run by another machine (lock held)",
                                     item.name, tick)
                    return
            await self.run(item, raise_error=False, tick=tick)
        finally:
            if item.type == "worker":
                self.app.messenger.send_to_agent(DONE, {"key": item.key, "tick": tick, "pid": os.getpid()})

    async def run(self, item: ScheduleItem, *args: Any, raise_error: bool = True, tick: Any = None) -> Any:
        """Run ``item`` once now with a fresh anonymous context; log it; re-raise on error when asked.

        ``ctx.state["schedule"]`` is ``{"name", "tick"}`` (the tick time in Unix seconds, None for a
        run from :meth:`run_schedule`).
        """
        self._ids += 1
        job = f"{os.getpid()}-{self._ids}"
        ctx = self._context(item)
        ctx.state["schedule"] = {"name": item.name, "tick": tick}
        self.running.add(item.key)
        self.logger.info("[Job#%s] %s executing by app", job, item.name)
        start = time.perf_counter()
        try:
            result = await item.run(ctx, *args)
        except BaseException as exc:
            used = (time.perf_counter() - start) * 1000
            if isinstance(exc, asyncio.CancelledError):
                self.logger.error("[Job#%s] %s execute cancelled, used %.0fms", job, item.name, used)
                raise
            self.logger.error("[Job#%s] %s execute failed, used %.0fms: %s: %s", job, item.name, used,
                              type(exc).__name__, exc, exc_info=exc)
            exc.schedule = item.name  # type: ignore[attr-defined]
            try:
                self.app.emit("error", exc, ctx)
            except Exception:  # pragma: no cover - a failing error listener must not kill the run loop
                pass
            if raise_error:
                raise
            return None
        finally:
            self.running.discard(item.key)
        used = (time.perf_counter() - start) * 1000
        self.logger.info("[Job#%s] %s execute succeed, used %.0fms", job, item.name, used)
        return result

    def _context(self, item: ScheduleItem) -> Any:
        from urllib.parse import quote

        from eggfast.server._protocol import RawRequest
        from eggfast.server.message import EmptyBody

        raw = RawRequest("SCHEDULE", f"/__schedule?path={quote(item.name)}", "1.1",
                         {"host": "127.0.0.1", "x-forwarded-for": "127.0.0.1"}, EmptyBody(), ("127.0.0.1", 0))
        return self.app.create_anonymous_context(raw)

    async def close(self) -> None:
        """Stop taking ticks; wait for the runs in progress."""
        self.closed = True
        if self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        if self.lock is not None:
            await self.lock.close()


class Boot(eggfast.Boot):
    """Loads the schedules (bad files stop start-up), adds ``app.run_schedule`` and takes ticks."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.schedule: Optional[ScheduleWorker] = None

    def config_did_load(self) -> None:
        app = self.app
        self.schedule = schedule = ScheduleWorker(app, load_schedules(schedule_directories(app), app))
        app.schedule = schedule

        async def run_schedule(name: str, *args: Any) -> Any:
            """Run the schedule ``name`` once now in this worker (errors are raised to the caller)."""
            return await schedule.run(schedule.find(name), *args)

        app.run_schedule = run_schedule
        app.messenger.on(TICK, schedule.on_tick)

    async def did_load(self) -> None:
        lock_config = (self.app.config.get("schedule") or {}).get("lock") or {}
        if lock_config.get("enable"):
            from eggfast.plugins.schedule.lock import RedisTickLock

            assert self.schedule is not None
            self.schedule.lock = RedisTickLock.from_config(self.app.config)
            self.schedule.lock.logger = self.schedule.logger
            await self.schedule.lock.check()

    async def before_close(self) -> None:
        if self.schedule is not None:
            await self.schedule.close()
