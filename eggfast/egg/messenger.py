"""The messenger of one process: agent ⇄ app workers (SPEC §13), in-process.

Every app and agent has ``.messenger`` with the cluster API::

    app.messenger.send_to_agent("refresh", {"key": 1})   # the agent
    app.messenger.send_to_app("refresh", data)           # every app worker
    app.messenger.broadcast("refresh", data)             # every app worker and the agent
    app.messenger.send_random("refresh", data)           # one app worker, at random
    app.messenger.send_to(pid, "refresh", data)          # the app worker(s) with that pid
    agent.messenger.on("refresh", handler)               # handler(data); may be async def
    agent.messenger.once("refresh", handler)

In single-process mode (:func:`eggfast.egg.single_process`, ``eggfast dev``) the agent
and the app share one :class:`MessageHub`.  Messages are delivered on a
later turn of the event loop (like IPC: a sender never runs the receiver's
code synchronously); with no running loop they are delivered at once.  A
message with no listener is dropped.  ``send_to(pid)`` reaches the app
workers with that pid; in one process they share the agent's pid, so use
``send_to_agent`` for the agent.  The cluster issue swaps the hub for a
master-routed one with the same methods.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import os
import random
from typing import Any, Callable, Optional

from eggfast.events import EventEmitter

__all__ = ["MessageHub", "Messenger"]

log = logging.getLogger("eggfast.core.messenger")


class MessageHub:
    """Routes messages between the messengers of one process."""

    def __init__(self) -> None:
        self.agent: Optional["Messenger"] = None
        self.apps: list["Messenger"] = []

    def attach(self, messenger: "Messenger") -> None:
        if messenger.role == "agent":
            self.agent = messenger
        elif messenger not in self.apps:
            self.apps.append(messenger)

    def detach(self, messenger: "Messenger") -> None:
        if self.agent is messenger:
            self.agent = None
        elif messenger in self.apps:
            self.apps.remove(messenger)


class Messenger(EventEmitter):
    """One endpoint: ``role`` is ``"app"`` or ``"agent"``."""

    def __init__(self, role: str = "app", hub: Optional[MessageHub] = None, pid: Optional[int] = None) -> None:
        super().__init__()
        if role not in ("app", "agent"):
            raise ValueError(f"role must be 'app' or 'agent', not {role!r}")
        self.role = role
        self.pid = os.getpid() if pid is None else pid
        self.hub = hub if hub is not None else MessageHub()
        self.hub.attach(self)
        self._tasks: set = set()
        self.closed = False

    # -- sending ------------------------------------------------------------------
    def send_to_agent(self, action: str, data: Any = None) -> "Messenger":
        return self._send([self.hub.agent] if self.hub.agent else [], action, data)

    def send_to_app(self, action: str, data: Any = None) -> "Messenger":
        return self._send(list(self.hub.apps), action, data)

    def broadcast(self, action: str, data: Any = None) -> "Messenger":
        targets = list(self.hub.apps)
        if self.hub.agent is not None:
            targets.append(self.hub.agent)
        return self._send(targets, action, data)

    def send_random(self, action: str, data: Any = None) -> "Messenger":
        apps = self.hub.apps
        return self._send([random.choice(apps)] if apps else [], action, data)

    def send_to(self, pid: int, action: str, data: Any = None) -> "Messenger":
        targets = [m for m in self.hub.apps if m.pid == pid]
        if not targets and self.hub.agent is not None and self.hub.agent.pid == pid:
            targets = [self.hub.agent]
        return self._send(targets, action, data)

    # -- delivery -----------------------------------------------------------------
    def _send(self, targets: list, action: str, data: Any) -> "Messenger":
        if not isinstance(action, str) or not action:
            raise TypeError("a message action must be a non-empty str")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        for target in targets:
            if loop is not None:
                loop.call_soon(target._receive, action, data)
            else:
                target._receive(action, data)
        return self

    def _receive(self, action: str, data: Any) -> None:
        if self.closed:
            return
        for listener in list(self._listeners.get(action, ())):
            try:
                result = listener(data)
            except Exception as exc:
                log.error("[eggfast:messenger] %s listener of %r failed: %s", self.role, action, exc, exc_info=exc)
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("[eggfast:messenger] async listener failed: %s", exc, exc_info=exc)

    def once(self, event: str, listener: Callable[..., Any]) -> "Messenger":
        def wrapper(*args: Any) -> Any:
            self.off(event, wrapper)
            return listener(*args)

        self.on(event, wrapper)
        return self

    async def close(self) -> None:
        """Detach from the hub, drop listeners, wait for running async listeners."""
        self.closed = True
        self.hub.detach(self)
        self._listeners.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
