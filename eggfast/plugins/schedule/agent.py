"""The schedule plugin in the agent: the timers, and the choice of worker for each tick.

For each enabled schedule the agent sleeps until the next tick, then sends
``eggfast-schedule`` ``{"key", "tick"}`` to one app worker (``type:
"worker"``: picked at random among the ready workers the master lists in
``egg-pids``) or to every app worker (``type: "all"``).  Timers start on
``egg-ready`` (every worker is up) and stop at ``before_close``.

No pile-up: a ``type: "worker"`` tick is skipped (and logged) while the
previous run of that schedule is still running on a live worker; the worker
reports the end of each run (``eggfast-schedule-done``).  When the worker
running it dies, the master's next ``egg-pids`` drops its pid and the next
tick is sent to another worker.  ``type: "all"`` runs are de-duplicated in
each worker (see app.py).
"""
from __future__ import annotations

import asyncio
import random
import time
from typing import Any, Optional

import eggfast
from eggfast.plugins.schedule.core import ScheduleItem, load_schedules, schedule_directories

#: messenger actions
TICK = "eggfast-schedule"
DONE = "eggfast-schedule-done"


class ScheduleAgent:
    """The agent's side: one timer task per enabled schedule."""

    def __init__(self, agent: Any, items: dict[str, ScheduleItem]) -> None:
        self.agent = agent
        self.items = items
        self.logger = agent.get_logger("schedule_logger") if hasattr(agent, "get_logger") else agent.logger
        #: the ready app worker pids (None until the master says: single process)
        self.pids: Optional[list[int]] = None
        #: key -> (pid, tick) of the type-worker run in flight
        self.inflight: dict[str, tuple[Optional[int], float]] = {}
        self.tasks: list[asyncio.Task] = []
        self.started = False

    def start(self) -> None:
        """Start the timers (once)."""
        if self.started:
            return
        self.started = True
        env = self.agent.env
        for item in self.items.values():
            if not item.enabled_in(env):
                continue
            self.tasks.append(asyncio.ensure_future(self._loop(item)))

    async def stop(self) -> None:
        """Cancel every timer; no tick is sent after this returns."""
        for task in self.tasks:
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()

    def on_pids(self, pids: Any) -> None:
        self.pids = [int(p) for p in pids or []]

    def on_done(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        key = data.get("key")
        current = self.inflight.get(key)
        if current is not None and current[1] == data.get("tick"):
            del self.inflight[key]

    async def _loop(self, item: ScheduleItem) -> None:
        if item.immediate:
            self.dispatch(item, time.time())
        last = time.time()
        while True:
            tick = item.next_tick(last)
            if tick is None:
                return
            delay = tick - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            # sleep may wake a hair early: never send a tick before its time
            while time.time() < tick:
                await asyncio.sleep(max(tick - time.time(), 0.001))
            now = time.time()
            if now - tick > max(item.interval or 1.0, 1.0):
                # the loop was blocked for longer than a period: send this one, skip the backlog
                self.logger.warning("[eggfast:schedule] %s: late by %.3fs, missed ticks skipped", item.name, now - tick)
            self.dispatch(item, tick)
            last = max(tick, now) if now - tick > max(item.interval or 1.0, 1.0) else tick

    def dispatch(self, item: ScheduleItem, tick: float) -> None:
        """Send one tick of ``item`` to its worker(s)."""
        messenger = self.agent.messenger
        data = {"key": item.key, "tick": tick}
        if item.type == "all":
            messenger.send_to_app(TICK, data)
            return
        current = self.inflight.get(item.key)
        if current is not None:
            pid = current[0]
            alive = self.pids is None or pid in self.pids
            if alive:
                self.logger.warning("[eggfast:schedule] %s: tick skipped, the previous run (tick %.3f) is still "
                                    "running on pid %s", item.name, current[1], pid)
                return
            self.logger.warning("[eggfast:schedule] %s: worker %s died during its run; sending the tick elsewhere",
                                item.name, pid)
        if self.pids is None:
            self.inflight[item.key] = (None, tick)
            messenger.send_random(TICK, data)
            return
        if not self.pids:
            self.logger.warning("[eggfast:schedule] %s: tick skipped, no app worker is ready", item.name)
            return
        pid = random.choice(self.pids)
        self.inflight[item.key] = (pid, tick)
        messenger.send_to(pid, TICK, data)


class Boot(eggfast.Boot):
    """Loads the schedules (bad files stop start-up) and runs the timers from ``egg-ready``."""

    def __init__(self, agent: Any) -> None:
        super().__init__(agent)
        self.schedule: Optional[ScheduleAgent] = None

    def config_did_load(self) -> None:
        agent = self.app
        items = load_schedules(schedule_directories(agent), agent)
        self.schedule = ScheduleAgent(agent, items)
        agent.schedule = self.schedule
        messenger = agent.messenger
        messenger.on("egg-pids", self.schedule.on_pids)
        messenger.on(DONE, self.schedule.on_done)
        messenger.once("egg-ready", lambda _data: self.schedule.start())

    async def before_close(self) -> None:
        if self.schedule is not None:
            await self.schedule.stop()
