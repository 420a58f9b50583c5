"""Boot hooks (``class Boot`` in app.py / agent.py) in Egg's order, plus start-up timing.

Order (SPEC §5): ``config_will_load`` (sync, may edit ``app.config``) →
``config_did_load`` (sync) → ``did_load`` → ``will_ready`` → ``did_ready`` →
``server_did_ready`` → … → ``before_close``.  Boots run in unit order
(plugins → frameworks → app).  ``did_load`` hooks run concurrently, then
``will_ready`` hooks concurrently; ``did_ready`` and ``server_did_ready``
run one after another.  ``before_close`` runs in reverse order (app first,
plugins last), once, however often ``close()`` is called.  Every hook may be
``async def`` (the two config hooks must be plain functions).

A hook still running after ``config.boot_timeout`` seconds (default 10) is
logged as slow, naming the hook and its file; it is not cancelled.  A hook
that raises stops start-up with :class:`BootError` naming the hook and the
file; in a concurrent stage this happens as soon as one hook raises (its
still-running siblings are cancelled, not awaited), as Egg's ``ready(err)``
does.  Each stage and hook is timed (:class:`Timing`).
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from eggfast.errors import ConfigError

__all__ = ["Boot", "BootError", "Lifecycle", "Timing", "HOOKS"]

HOOKS = ("config_will_load", "config_did_load", "did_load", "will_ready", "did_ready",
         "server_did_ready", "before_close")


class BootError(ConfigError):
    """A boot hook raised: start-up stops with the hook and file named."""


def _discard_outcome(task: "asyncio.Future") -> None:
    """Collect a cancelled sibling's outcome so asyncio does not report it as never retrieved."""
    if not task.cancelled():
        task.exception()


class Boot:
    """Optional base for ``class Boot`` in app.py / agent.py: keeps ``app``, ``config``, ``logger``.

    Define any of :data:`HOOKS` as methods; only the ones defined run.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.agent = app
        self.config = app.config
        self.logger = getattr(app, "logger", logging.getLogger("eggfast.app"))


class Timing:
    """Start-up timing: one item per stage and per hook (``name, file, start, end, duration`` ms)."""

    def __init__(self) -> None:
        self.origin = time.time()
        self._t0 = time.perf_counter()
        self.items: list[dict[str, Any]] = []

    def _now(self) -> float:
        return (time.perf_counter() - self._t0) * 1000.0

    @contextmanager
    def span(self, name: str, file: Optional[str] = None) -> Iterator[dict]:
        item = {"name": name, "file": file, "start": round(self._now(), 3), "end": None, "duration": None}
        self.items.append(item)
        try:
            yield item
        finally:
            item["end"] = round(self._now(), 3)
            item["duration"] = round(item["end"] - item["start"], 3)

    def total(self) -> float:
        """Milliseconds from the start to the end of the last finished step (0.0 before any).

        Not "until now": read later (``eggfast dev`` prints the agent's
        figure after the app loaded), it is still the figure that was dumped.
        """
        ends = [item["end"] for item in self.items if item["end"] is not None]
        return max(ends) if ends else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "started_at": self.origin, "total_ms": self.total(), "items": self.items}

    def summary(self, limit: int = 8) -> list[str]:
        """Short lines for a console: the slowest stages first."""
        done = [i for i in self.items if i["duration"] is not None]
        done.sort(key=lambda i: i["duration"], reverse=True)
        return [f"{i['duration']:9.1f} ms  {i['name']}" for i in done[:limit]]

    def dump(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2), encoding="utf-8")


class Lifecycle:
    """Holds the boots of one app or agent and runs their hooks."""

    def __init__(self, target: Any, timing: Timing, logger: Optional[logging.Logger] = None) -> None:
        self.target = target
        self.timing = timing
        self.logger = logger or logging.getLogger("eggfast.core.lifecycle")
        self.boots: list[tuple[Any, str]] = []
        self._close_fns: list[tuple[Callable[[], Any], str]] = []
        self._close_task: Optional[asyncio.Future] = None
        self.stage = "init"

    @property
    def timeout(self) -> float:
        config = getattr(self.target, "config", None) or {}
        try:
            return float(config.get("boot_timeout", 10))
        except (TypeError, ValueError):
            return 10.0

    def add_boot(self, boot: Any, file: str) -> None:
        self.boots.append((boot, file))

    def register_before_close(self, fn: Callable[[], Any], name: str = "") -> None:
        """Add a close function; close functions run in reverse order of registration."""
        self._close_fns.append((fn, name or getattr(fn, "__qualname__", repr(fn))))

    def _hooks(self, hook: str) -> list[tuple[Callable, str]]:
        out = []
        for boot, file in self.boots:
            fn = getattr(boot, hook, None)
            if callable(fn):
                out.append((fn, file))
        return out

    def _fail(self, hook: str, file: str, exc: BaseException) -> BootError:
        msg = " ".join(str(exc).split())
        err = BootError(f"{file}: {hook}() failed: {type(exc).__name__}: {msg}")
        err.__cause__ = exc
        return err

    # -- sync hooks ---------------------------------------------------------------
    def _run_sync(self, hook: str) -> None:
        self.stage = hook
        for fn, file in self._hooks(hook):
            with self.timing.span(f"{hook} ({Path(file).name})", file) as item:
                try:
                    result = fn()
                except Exception as exc:  # a ConfigError too: the hook and file must be named
                    raise self._fail(hook, file, exc) from exc
                if inspect.isawaitable(result):
                    if hasattr(result, "close"):
                        result.close()
                    raise BootError(f"{file}: {hook}() must be a plain (sync) method, not async def")
            if item["duration"] > self.timeout * 1000:
                self.logger.warning("[eggfast:lifecycle] %s in %s was slow: %.0f ms (boot_timeout %ss)",
                                    hook, file, item["duration"], self.timeout)

    def trigger_config_will_load(self) -> None:
        self._run_sync("config_will_load")

    def trigger_config_did_load(self) -> None:
        self._run_sync("config_did_load")
        for fn, file in self._hooks("before_close"):
            self.register_before_close(fn, f"before_close ({file})")

    # -- async hooks --------------------------------------------------------------
    async def _run_one(self, hook: str, fn: Callable, file: str) -> None:
        warned = False
        with self.timing.span(f"{hook} ({Path(file).name})", file) as item:
            try:
                result = fn()
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    try:
                        done, _ = await asyncio.wait({task}, timeout=self.timeout)
                        if not done:
                            warned = True
                            self.logger.warning("[eggfast:lifecycle] %s in %s is still running after %ss "
                                                "(config.boot_timeout)", hook, file, self.timeout)
                        await task
                    except asyncio.CancelledError:
                        task.cancel()  # asyncio.wait() does not cancel what it waits on
                        raise
            except Exception as exc:  # a ConfigError too: the hook and file must be named
                raise self._fail(hook, file, exc) from exc
        if not warned and item["duration"] > self.timeout * 1000:
            # a plain (sync) hook blocks the loop, so it can only be reported afterwards
            self.logger.warning("[eggfast:lifecycle] %s in %s was slow: %.0f ms (boot_timeout %ss)",
                                hook, file, item["duration"], self.timeout)

    async def _concurrent(self, hook: str) -> None:
        """Run every ``hook`` at once; the first one to raise fails the stage at once.

        As in Egg (``ready(err)``), start-up does not wait for the slower siblings of a
        failing hook: they are cancelled, and their outcome is only collected (never
        awaited) so that no "exception was never retrieved" warning follows.
        """
        self.stage = hook
        hooks = self._hooks(hook)
        if not hooks:
            return
        tasks = [asyncio.ensure_future(self._run_one(hook, fn, file)) for fn, file in hooks]
        try:
            pending: set = set(tasks)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task, (_, file) in zip(tasks, hooks):
                    if task not in done:
                        continue
                    if task.cancelled():  # the hook itself was cancelled: not a success either
                        raise BootError(f"{file}: {hook}() failed: CancelledError: the hook was cancelled")
                    if task.exception() is not None:
                        raise task.exception()
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()
                    task.add_done_callback(_discard_outcome)

    async def _sequential(self, hook: str) -> None:
        self.stage = hook
        for fn, file in self._hooks(hook):
            await self._run_one(hook, fn, file)

    async def trigger_did_load(self) -> None:
        await self._concurrent("did_load")

    async def trigger_will_ready(self) -> None:
        await self._concurrent("will_ready")

    async def trigger_did_ready(self) -> None:
        await self._sequential("did_ready")

    async def trigger_server_did_ready(self) -> None:
        await self._sequential("server_did_ready")

    # -- close --------------------------------------------------------------------
    async def close(self) -> None:
        """Run the close functions in reverse order, once; errors are logged, not raised."""
        if self._close_task is None:
            self._close_task = asyncio.ensure_future(self._close())
        await asyncio.shield(self._close_task)

    async def _close(self) -> None:
        self.stage = "before_close"
        while self._close_fns:
            fn, name = self._close_fns.pop()
            try:
                result = fn()
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:  # a failing close hook must not stop the others
                self.logger.error("[eggfast:lifecycle] %s failed: %s: %s", name, type(exc).__name__, exc,
                                  exc_info=exc)
        self.stage = "closed"
