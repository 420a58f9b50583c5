"""The agent process of the cluster: ``python -m eggfast.cluster.agent_worker`` (started by the master).

Builds the framework's ``Agent`` with a
:class:`~eggfast.cluster.messenger.ClusterMessenger`, waits for it to be
ready and tells the master ``ready`` with its ``config.cluster`` (the master
loads no app code: the agent's config is where it learns the worker count
and timeouts).  On ``egg-ready`` it runs the agent's ``server_did_ready``
hooks, then delivers the message.  SIGTERM → ``before_close`` → exit 0.
"""
from __future__ import annotations

import asyncio
from typing import Any, Optional

from eggfast.cluster.child import Child, run
from eggfast.cluster.messenger import ClusterMessenger

__all__ = ["AgentWorker", "main"]


class AgentWorker(Child):
    """The agent process."""

    role = "agent"

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.agent: Any = None
        self.messenger: Optional[ClusterMessenger] = None
        self._server_ready = False
        self._tasks: set = set()

    def on_frame(self, frame: dict) -> None:
        if frame.get("t") != "msg" or self.messenger is None:
            return
        action, data = frame.get("action", ""), frame.get("data")
        if action == "egg-ready" and not self._server_ready and self.agent is not None:
            self._server_ready = True
            task = asyncio.ensure_future(self._egg_ready(data))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self.messenger.deliver(action, data)

    async def _egg_ready(self, data: Any) -> None:
        try:
            await self.agent.server_did_ready()
        except Exception as exc:
            self.agent.core_logger.error("[eggfast:agent] server_did_ready failed: %s", exc, exc_info=exc)
        assert self.messenger is not None
        self.messenger.deliver("egg-ready", data)

    async def run(self) -> int:
        from eggfast.egg.single_process import resolve_framework

        await self.connect()
        options = self.options
        self.messenger = ClusterMessenger("agent", self.channel)
        try:
            _, agent_cls = resolve_framework(options["base_dir"], options.get("framework"))
            self.agent = agent = agent_cls(base_dir=options["base_dir"], env=options.get("env"),
                                           messenger=self.messenger)
            await agent.ready()
        except Exception as exc:
            code = self.fail_start(exc)
            if self.agent is not None:
                await self.agent.close()
            await self.finish()
            return code
        cluster = dict(agent.config.get("cluster") or {})
        if self.channel is not None:
            self.channel.max_bytes = int(cluster.get("ipc_max_bytes") or self.channel.max_bytes)
        self.send({"t": "ready", "cluster": _plain(cluster), "name": agent.name})
        assert self.stopping is not None
        await self.stopping.wait()
        self.say(f"{self.stop_reason}: running before_close")
        try:
            await agent.close()
        except Exception as exc:
            self.say(f"close failed: {type(exc).__name__}: {exc}", err=True)
        await self.finish()
        return self.exit_code


def _plain(value: Any) -> Any:
    """A JSON-safe copy (config values may be AttrDicts or odd types)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def main() -> None:
    """``python -m eggfast.cluster.agent_worker``."""
    run(AgentWorker)


if __name__ == "__main__":
    main()
