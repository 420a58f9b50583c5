"""The agent: one per machine, no HTTP; runs ``agent.py`` boots (long connections, schedules' dispatch).

Loads plugin → config → extend (``agent.py``, ``context.py``) → ``agent.py``
boots of every unit.  Shares the messenger API with app workers
(``agent.messenger``).  In single-process mode :func:`eggfast.egg.single_process` links
``agent.application`` and ``app.agent``.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from eggfast.koa.context import Context
from eggfast.egg.application import EggCore
from eggfast.events import EventEmitter
from eggfast.loader.egg_loader import AgentWorkerLoader
from eggfast.egg.messenger import Messenger

__all__ = ["Agent"]


class Agent(EggCore, EventEmitter):
    """``eggfast.Agent``; frameworks subclass it with their own ``egg_path``."""

    loader_class = AgentWorkerLoader
    egg_type = "agent"

    def __init__(self, *, base_dir: Any, env: Optional[str] = None, plugins: Optional[dict] = None,
                 messenger: Optional[Messenger] = None, config: Optional[dict] = None, **options: Any) -> None:
        EventEmitter.__init__(self)
        self.config: Any = {}
        self.logger = logging.getLogger("eggfast.egg.agent")
        self.core_logger = logging.getLogger("eggfast.core")
        self.context_class: type = type("Context", (Context,), {})
        self.application: Any = None
        self.plugins: dict = {}
        self._background: set = set()
        self._egg_init(base_dir, env, dict(options, plugins=plugins, config=config), messenger)

    @property
    def env(self) -> str:
        return self.config.get("env", "local")

    def run_in_background(self, coro_fn: Callable[..., Awaitable[Any]], *args: Any) -> asyncio.Task:
        """Run ``coro_fn(*args)`` as a task; errors are logged, never raised into the loop."""

        async def runner() -> None:
            try:
                await coro_fn(*args)
            except Exception as err:
                err.run_in_background = True  # type: ignore[attr-defined]
                self.emit("error", err)

        task = asyncio.get_running_loop().create_task(runner())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def emit(self, event: str, *args: Any) -> bool:
        if event == "error" and not self.listener_count("error"):
            err = args[0] if args else None
            self.core_logger.error("[eggfast:agent] unhandled error: %s", err, exc_info=err)
            return False
        return super().emit(event, *args)

    async def close(self) -> None:
        """``before_close`` hooks in reverse (once), background tasks, messenger, loggers."""
        if self._egg_close_task is None:
            self._egg_close_task = asyncio.ensure_future(self._egg_close())
        await asyncio.shield(self._egg_close_task)

    async def _close_resources(self) -> None:
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
