"""The messenger of a cluster process: the single-process API, routed by the master.

Same methods as :class:`eggfast.egg.messenger.Messenger` (``send_to_agent``,
``send_to_app``, ``broadcast``, ``send_random``, ``send_to(pid)``, ``on``,
``once``), so app code does not change between ``eggfast dev`` and
``eggfast start``.  Each send is one ``msg`` frame to the master, which
delivers it to the target processes (the sender included when it is one of
them, as in Egg).  Data must be JSON-serialisable (orjson) and at most
``cluster.ipc_max_bytes`` encoded, else the send raises at once
(``TypeError`` / :class:`~eggfast.cluster.ipc.MessageTooLarge`).  A message
sent while the master is gone is dropped with a warning.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from eggfast.cluster.ipc import Channel
from eggfast.egg.messenger import MessageHub, Messenger

__all__ = ["ClusterMessenger"]

log = logging.getLogger("eggfast.cluster.messenger")


class ClusterMessenger(Messenger):
    """A :class:`Messenger` whose sends go to the master over ``channel``."""

    def __init__(self, role: str, channel: Optional[Channel] = None) -> None:
        super().__init__(role, MessageHub())
        self.channel = channel

    def _post(self, to: Any, action: str, data: Any) -> "ClusterMessenger":
        if not isinstance(action, str) or not action:
            raise TypeError("a message action must be a non-empty str")
        frame = {"t": "msg", "to": to, "action": action, "data": data, "from": self.pid}
        channel = self.channel
        if channel is None or not channel.send(frame):
            log.warning("[eggfast:messenger] %s %d: the master is gone; message %r dropped", self.role, self.pid, action)
        return self

    def send_to_agent(self, action: str, data: Any = None) -> "ClusterMessenger":
        return self._post("agent", action, data)

    def send_to_app(self, action: str, data: Any = None) -> "ClusterMessenger":
        return self._post("app", action, data)

    def broadcast(self, action: str, data: Any = None) -> "ClusterMessenger":
        return self._post("all", action, data)

    def send_random(self, action: str, data: Any = None) -> "ClusterMessenger":
        return self._post("random", action, data)

    def send_to(self, pid: int, action: str, data: Any = None) -> "ClusterMessenger":
        return self._post(int(pid), action, data)

    def deliver(self, action: str, data: Any) -> None:
        """A message from the master: run the listeners of ``action``."""
        self._receive(action, data)
