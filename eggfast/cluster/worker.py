"""An app worker of the cluster: ``python -m eggfast.cluster.worker`` (started by the master only).

Builds the app (the framework's ``Application``) with a
:class:`~eggfast.cluster.messenger.ClusterMessenger`, waits for it to be
ready, serves the listening socket the master bound and passed down
(``listen_fd``), runs ``server_did_ready`` and tells the master ``ready``.

It leaves gracefully (stop accepting, answer in-flight requests with
``Connection: close``, ``before_close``, exit) on SIGTERM, when its master
is gone, after ``cluster.max_requests`` (plus jitter) requests, and after an
uncaught error (anything that reaches the event loop's exception handler).
In the last two cases it first tells the master ``retire`` so that its
replacement is forked at once.
"""
from __future__ import annotations

import asyncio
import random
import socket
from typing import Any, Optional

from eggfast.cluster.child import Child, run
from eggfast.cluster.health import DrainState, mount_health
from eggfast.cluster.messenger import ClusterMessenger

__all__ = ["AppWorker", "main"]


class AppWorker(Child):
    """One app worker process."""

    role = "app worker"

    def __init__(self, options: dict) -> None:
        super().__init__(options)
        self.app: Any = None
        self.messenger: Optional[ClusterMessenger] = None
        self.state = DrainState()
        self.requests = 0
        self.max_requests = 0

    def on_frame(self, frame: dict) -> None:
        if frame.get("t") == "msg" and self.messenger is not None:
            self.messenger.deliver(frame.get("action", ""), frame.get("data"))

    def retire(self, reason: str, code: int = 0) -> None:
        """Ask the master for a replacement now, then leave gracefully."""
        if self.stopping is None or self.stopping.is_set():
            return
        self.send({"t": "retire", "reason": reason})
        self.stop(reason, code)

    def _exception_handler(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        if exc is None or isinstance(exc, (ConnectionError, TimeoutError)):
            loop.default_exception_handler(context)
            return
        logger = getattr(self.app, "core_logger", None)
        message = context.get("message") or "uncaught error"
        if logger is not None:
            logger.error("[eggfast:worker] %s: %s: %s", message, type(exc).__name__, exc, exc_info=exc)
        else:
            loop.default_exception_handler(context)
        self.retire(f"uncaught {type(exc).__name__}: {' '.join(str(exc).split())}", 1)

    def _count_middleware(self) -> Any:
        async def count_requests(ctx: Any, next: Any) -> Any:
            self.requests += 1
            if self.requests == self.max_requests:
                self.retire(f"served max_requests ({self.max_requests})")
            return await next()

        return count_requests

    async def run(self) -> int:
        from eggfast.egg.single_process import resolve_framework

        await self.connect()
        loop = asyncio.get_running_loop()
        options = self.options
        self.messenger = ClusterMessenger("app", self.channel)
        try:
            app_cls, _ = resolve_framework(options["base_dir"], options.get("framework"))
            self.app = app = app_cls(base_dir=options["base_dir"], env=options.get("env"), messenger=self.messenger)
            loop.set_exception_handler(self._exception_handler)
            await app.ready()
            cluster = app.config.get("cluster") or {}
            if self.channel is not None:
                self.channel.max_bytes = int(cluster.get("ipc_max_bytes") or self.channel.max_bytes)
            max_requests = int(cluster.get("max_requests") or 0)
            if max_requests > 0:
                jitter = int(cluster.get("max_requests_jitter") or 0)
                self.max_requests = max_requests + (random.randint(0, jitter) if jitter > 0 else 0)
                app.middleware.insert(0, self._count_middleware())
            mount_health(app, self.state)
            sock = socket.socket(fileno=int(options["listen_fd"]))
            await app.create_server(sock=sock, backlog=int(options.get("backlog") or 2048))
        except Exception as exc:
            code = self.fail_start(exc)
            await self._close_app()
            await self.finish()
            return code
        self.send({"t": "ready", "port": app.server.port})
        assert self.stopping is not None
        await self.stopping.wait()
        await self.drain(cluster)
        await self.finish()
        return self.exit_code

    async def drain(self, cluster: dict) -> None:
        """Stop accepting, let in-flight requests finish (bounded), then ``before_close``."""
        self.state.draining = True
        app = self.app
        kill_timeout = float(cluster.get("kill_timeout") or 30)
        limit = self.drain_limit if self.drain_limit is not None else kill_timeout
        server = app.server
        inflight = len(server.connections)
        self.say(f"{self.stop_reason}: draining {inflight} connection(s), then before_close")
        grace = min(float(cluster.get("drain_idle_grace") or 0), limit / 2)
        server.close(grace)
        try:
            await asyncio.wait_for(server.wait_closed(), limit)
        except asyncio.TimeoutError:
            for protocol in list(server.connections):
                if protocol.transport is not None:
                    protocol.transport.abort()
        await self._close_app()

    async def _close_app(self) -> None:
        if self.app is None:
            return
        try:
            await self.app.close()
        except Exception as exc:
            self.say(f"close failed: {type(exc).__name__}: {exc}", err=True)


def main() -> None:
    """``python -m eggfast.cluster.worker``."""
    run(AppWorker)


if __name__ == "__main__":
    main()
