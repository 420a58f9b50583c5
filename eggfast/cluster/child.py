"""What the agent and the app workers share: the master channel, heartbeats, signals, master watch.

A child is started by the master with ``EGGFAST_CLUSTER`` (JSON options) in
its environment and the child's end of a socketpair as ``ipc_fd``.  It
heartbeats from its event loop (a blocked loop stops them), drains on
SIGTERM, ignores SIGINT (a terminal's Ctrl-C reaches the whole process
group; the master decides), and leaves when the master goes away: at once
when the channel closes (drain for at most 3 s), and, should its own loop
be blocked, from a watchdog thread that sees its parent change and exits
the process 4 s later.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import threading
import time
from typing import Any, Optional

from eggfast.cluster.ipc import DEFAULT_MAX_BYTES, Channel

__all__ = ["Child", "error_line", "options_from_env"]

ENV_KEY = "EGGFAST_CLUSTER"
#: seconds a child may drain once its master is gone
ORPHAN_DRAIN = 3.0


def options_from_env() -> dict:
    """The options the master passed in ``EGGFAST_CLUSTER``."""
    raw = os.environ.get(ENV_KEY)
    if not raw:
        raise SystemExit("eggfast.cluster: this module is started by `eggfast start`, not by hand")
    return json.loads(raw)


def error_line(exc: BaseException) -> str:
    """A start-up error as one line (a ConfigError already names its file)."""
    from eggfast.errors import ConfigError

    text = " ".join(str(exc).split())
    if isinstance(exc, ConfigError):
        return text
    if isinstance(exc, OSError) and exc.strerror:
        return f"{type(exc).__name__}: {exc.strerror}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Child:
    """Base of :class:`~eggfast.cluster.worker.AppWorker` and :class:`~eggfast.cluster.agent_worker.AgentWorker`."""

    role = "app worker"

    def __init__(self, options: dict) -> None:
        self.options = options
        self.pid = os.getpid()
        self.master_pid = int(options.get("master_pid") or os.getppid())
        self.channel: Optional[Channel] = None
        self.stopping: Optional[asyncio.Event] = None
        self.stop_reason = ""
        self.exit_code = 0
        self.drain_limit: Optional[float] = None
        self._heartbeat: Optional[asyncio.TimerHandle] = None

    def say(self, text: str, *, err: bool = False) -> None:
        print(f"[eggfast {self.role} {self.pid}] {text}", file=sys.stderr if err else sys.stdout, flush=True)

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        self.stopping = asyncio.Event()
        sock = socket.socket(fileno=int(self.options["ipc_fd"]))
        max_bytes = int(self.options.get("ipc_max_bytes") or DEFAULT_MAX_BYTES)
        _, self.channel = await loop.connect_accepted_socket(
            lambda: Channel(self.on_frame, self.on_master_gone, max_bytes), sock)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        loop.add_signal_handler(signal.SIGTERM, self.stop, "SIGTERM", 0)
        threading.Thread(target=self._watch_master, name="eggfast-master-watch", daemon=True).start()
        self._beat()

    def _beat(self) -> None:
        if self.channel is not None and not self.channel.closed:
            self.channel.send({"t": "hb"})
        interval = float(self.options.get("heartbeat") or 1.0)
        self._heartbeat = asyncio.get_running_loop().call_later(interval, self._beat)

    def _watch_master(self) -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != self.master_pid:
                time.sleep(ORPHAN_DRAIN + 1.0)
                os._exit(70)

    def on_master_gone(self) -> None:
        if self.stopping is not None and not self.stopping.is_set():
            self.say(f"the master {self.master_pid} is gone: draining for at most {ORPHAN_DRAIN:.0f}s and exiting",
                     err=True)
            self.drain_limit = ORPHAN_DRAIN
            self.stop("master gone", 1)

    def on_frame(self, frame: dict) -> None:
        raise NotImplementedError

    def send(self, frame: dict) -> bool:
        return self.channel is not None and self.channel.send(frame)

    def stop(self, reason: str, code: int = 0) -> None:
        """Begin the graceful exit (once)."""
        if self.stopping is None or self.stopping.is_set():
            return
        self.stop_reason = reason
        self.exit_code = code
        self.stopping.set()

    def fail_start(self, exc: BaseException) -> int:
        """Report a start-up failure as one line (stderr and the master), exit code 1."""
        line = error_line(exc)
        self.say(f"start failed: {line}", err=True)
        try:
            self.send({"t": "error", "message": line})
        except Exception:  # the line is already on stderr
            pass
        return 1

    async def finish(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self.channel is not None:
            self.channel.close()


def run(child_factory: Any) -> None:
    """Entry point body: build the child from the environment, run it on uvloop, exit with its code."""
    from eggfast.server import new_event_loop

    options = options_from_env()
    if options.get("cwd"):
        os.chdir(options["cwd"])
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    child = child_factory(options)
    try:
        code = loop.run_until_complete(child.run())
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
