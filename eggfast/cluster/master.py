"""The master: binds the port, starts the agent, then the app workers, and keeps them alive.

    master = Master(MasterOptions(base_dir="examples/hello", workers=2, port=7001))
    exit_code = master.run()          # blocks until stopped

The master loads no app code and does no per-request work: it binds the
listening socket (``SO_REUSEADDR``) that every worker inherits (the kernel
keeps connections queued on it across a worker's death), routes messenger
messages, watches heartbeats and reaps children (any child, so it may run
as PID 1).  See docs/cluster.md for the life cycle and the signals.
"""
from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from eggfast.cluster.child import ENV_KEY
from eggfast.cluster.cpus import workers_count
from eggfast.cluster.ipc import DEFAULT_MAX_BYTES, Channel, MessageTooLarge, encode

__all__ = ["Master", "MasterOptions", "StartFailed", "describe_exit"]

#: seconds before a dead agent is started again (Egg's value)
AGENT_RESTART_DELAY = 1.0
#: the master's defaults for config.cluster until the agent has sent the app's
CLUSTER_DEFAULTS: dict[str, Any] = {
    "workers": 0, "worker_start_timeout": 60, "kill_timeout": 30, "worker_timeout": 30,
    "refork_limit": 60, "refork_window": 60, "ipc_max_bytes": DEFAULT_MAX_BYTES,
    "listen": {"hostname": "127.0.0.1", "port": 7001},
}


def _become_subreaper() -> None:
    """Linux: orphans of our children (a worker's own subprocesses) are re-parented to us and reaped
    here, as they would be by a master running as PID 1."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


class StartFailed(Exception):
    """A child failed to start; the message is its own error line (or how it died)."""


@dataclass
class MasterOptions:
    """What ``eggfast start`` passes to the master (``None`` = from ``config.cluster``)."""

    base_dir: str = "."
    env: Optional[str] = None
    framework: Optional[str] = None
    host: Optional[str] = None
    port: Optional[int] = None
    workers: Optional[int] = None
    title: str = ""
    backlog: int = 2048
    #: called with the port once every worker serves and egg-ready is sent
    on_started: Optional[Callable[[int], None]] = None


def describe_exit(status: int) -> str:
    """``exited with code 1`` / ``killed by SIGKILL (perhaps out of memory)`` from a wait status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        hint = " (perhaps out of memory)" if sig == signal.SIGKILL else ""
        return f"killed by {name}{hint}"
    return f"exited with code {os.WEXITSTATUS(status)}"


@dataclass(eq=False)
class Proc:
    """One child as the master sees it."""

    kind: str  # "agent" | "app"
    number: int
    popen: subprocess.Popen
    channel: Channel
    ready: asyncio.Future
    exited: asyncio.Future
    state: str = "starting"  # starting | ready | retiring | stopping | hung
    started_at: float = field(default_factory=time.monotonic)
    last_hb: float = field(default_factory=time.monotonic)
    stop_at: float = 0.0
    error_line: str = ""
    reason: str = ""

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def label(self) -> str:
        return "agent" if self.kind == "agent" else f"app worker #{self.number}"


class Master:
    """One master process (see the module docstring)."""

    def __init__(self, options: MasterOptions) -> None:
        self.options = options
        self.base_dir = str(Path(options.base_dir).resolve())
        self.pid = os.getpid()
        self.cluster: dict = json.loads(json.dumps(CLUSTER_DEFAULTS))
        self.agent: Optional[Proc] = None
        self.apps: list[Proc] = []
        self.procs: dict[int, Proc] = {}
        self.sock: Optional[socket.socket] = None
        self.port = 0
        self.host = ""
        self.target = 0
        self.started = False
        self.stopping = False
        self.reloading = False
        self.refork_disabled = False
        self._reforks: deque = deque()
        self._numbers = 0
        self._done: Optional[asyncio.Future] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._tasks: set = set()
        self._signals = 0

    # -- output --------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(f"[eggfast master {self.pid}] {text}", flush=True)

    def warn(self, text: str) -> None:
        print(f"[eggfast master {self.pid}] {text}", file=sys.stderr, flush=True)

    # -- entry -----------------------------------------------------------------------
    def run(self) -> int:
        """Run until stopped; returns the process exit code."""
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            return loop.run_until_complete(self._main())
        finally:
            loop.close()
            asyncio.set_event_loop(None)

    async def _main(self) -> int:
        loop = self._loop = asyncio.get_running_loop()
        self._done = loop.create_future()
        _become_subreaper()
        loop.add_signal_handler(signal.SIGCHLD, self._reap)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            loop.add_signal_handler(sig, self._on_stop_signal, sig)
        loop.add_signal_handler(signal.SIGHUP, self._spawn_task, self._reload)
        loop.add_signal_handler(signal.SIGTTIN, self._on_ttin)
        loop.add_signal_handler(signal.SIGTTOU, self._on_ttou)
        ticker = loop.create_task(self._tick())
        try:
            code = await self._start()
            if code is None:
                code = await self._done
            return code
        finally:
            ticker.cancel()
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP,
                        signal.SIGTTIN, signal.SIGTTOU):
                loop.remove_signal_handler(sig)
            for task in list(self._tasks):
                task.cancel()
            if self.sock is not None:
                self.sock.close()

    async def _start(self) -> Optional[int]:
        options = self.options
        started = time.monotonic()
        self.say(f"starting {self.base_dir} (env {options.env or 'prod'}, pid {self.pid})")
        if options.port is not None:
            code = self._bind(options.host or "127.0.0.1", options.port)
            if code:
                return code
        self.say("starting the agent and waiting for it")
        agent = await self._spawn("agent")
        try:
            await agent.ready
        except StartFailed as exc:
            return await self._fail_start(f"the agent failed to start: {exc}")
        if self.stopping:
            return None
        self.say(f"agent {agent.pid} ready")
        listen = self.cluster.get("listen") or {}
        if self.sock is None:
            code = self._bind(options.host or listen.get("hostname") or "127.0.0.1",
                              int(listen.get("port") or 7001))
            if code:
                return await self._fail_start(None, code)
        workers = options.workers if options.workers is not None else int(self.cluster.get("workers") or 0)
        self.target = workers if workers > 0 else workers_count()
        self.say(f"starting {self.target} app worker(s) on http://{self.host}:{self.port}")
        apps = [await self._spawn("app") for _ in range(self.target)]
        for proc in apps:
            try:
                await proc.ready
            except StartFailed as exc:
                if self.stopping:
                    return None
                return await self._fail_start(f"{proc.label} ({proc.pid}) failed to start: {exc}")
        if self.stopping:
            return None
        self.started = True
        self.broadcast("egg-ready", self._egg_ready_data())
        self._send_pids()
        elapsed = (time.monotonic() - started) * 1000
        self.say(f"started on http://{self.host}:{self.port} ({elapsed:.0f} ms): agent {agent.pid}, "
                 f"app workers {', '.join(str(p.pid) for p in apps)}")
        if options.on_started is not None:
            options.on_started(self.port)
        return None

    def _bind(self, host: str, port: int) -> int:
        try:
            info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
            sock = socket.socket(info[0], socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(info[4])
            sock.listen(self.options.backlog)
        except OSError as exc:
            why = exc.strerror or str(exc)
            hint = " (another server is using it; stop it or pick another --port)" if exc.errno == errno.EADDRINUSE else ""
            self.warn(f"cannot listen on {host}:{port}: {why}{hint}")
            return 1
        sock.set_inheritable(True)
        self.sock = sock
        self.host, self.port = sock.getsockname()[:2]
        return 0

    async def _fail_start(self, line: Optional[str], code: int = 1) -> int:
        if line:
            self.warn(line)
        self.warn("start failed: stopping")
        self.stopping = True
        await self._stop_all(quick=False)
        return code

    def _egg_ready_data(self) -> dict:
        return {"port": self.port, "address": f"http://{self.host}:{self.port}", "protocol": "http",
                "workers": self.target, "master_pid": self.pid}

    # -- children ---------------------------------------------------------------------------
    async def _spawn(self, kind: str) -> Proc:
        loop = asyncio.get_running_loop()
        parent, child = socket.socketpair()
        child.set_inheritable(True)
        self._numbers += 1 if kind == "app" else 0
        worker_timeout = float(self.cluster.get("worker_timeout") or 30)
        opts = {
            "role": kind, "ipc_fd": child.fileno(), "master_pid": self.pid, "base_dir": self.base_dir,
            "env": self.options.env, "framework": self.options.framework, "number": self._numbers,
            "ipc_max_bytes": int(self.cluster.get("ipc_max_bytes") or DEFAULT_MAX_BYTES),
            "heartbeat": max(0.05, min(1.0, worker_timeout / 4)), "backlog": self.options.backlog,
        }
        fds = [child.fileno()]
        if kind == "app":
            assert self.sock is not None
            opts["listen_fd"] = self.sock.fileno()
            fds.append(self.sock.fileno())
        env = dict(os.environ, **{ENV_KEY: json.dumps(opts)})
        if self.options.env:
            env["EGG_SERVER_ENV"] = self.options.env
        module = "eggfast.cluster.agent_worker" if kind == "agent" else "eggfast.cluster.worker"
        popen = subprocess.Popen([sys.executable, "-m", module], pass_fds=fds, env=env,
                                 stdin=subprocess.DEVNULL, cwd=self.base_dir, process_group=0)
        child.close()
        proc: Proc
        channel = Channel(lambda frame: self._on_frame(proc, frame), None, opts["ipc_max_bytes"])
        proc = Proc(kind, self._numbers, popen, channel, loop.create_future(), loop.create_future())
        # nothing awaits these when no one waits for a start: keep "exception never retrieved" quiet
        proc.ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.procs[popen.pid] = proc
        if kind == "agent":
            self.agent = proc
        else:
            self.apps.append(proc)
        await loop.connect_accepted_socket(lambda: channel, parent)
        self._spawn_task(self._watch_start, proc)
        return proc

    async def _watch_start(self, proc: Proc) -> None:
        timeout = float(self.cluster.get("worker_start_timeout") or 60)
        done, _ = await asyncio.wait([proc.ready, proc.exited], timeout=timeout)
        if not done and proc.state == "starting":
            self.warn(f"{proc.label} {proc.pid} did not start within {timeout:g}s "
                      f"(cluster.worker_start_timeout); killing it")
            proc.error_line = f"did not start within {timeout:g}s (cluster.worker_start_timeout)"
            self._kill(proc, signal.SIGKILL)

    def _spawn_task(self, fn: Callable, *args: Any) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(fn(*args))
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            self.warn(f"internal error: {type(exc).__name__}: {exc}")

    def _kill(self, proc: Proc, sig: int) -> None:
        try:
            os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass

    def _on_frame(self, proc: Proc, frame: dict) -> None:
        kind = frame.get("t")
        if kind == "hb":
            proc.last_hb = time.monotonic()
        elif kind == "msg":
            self._route(proc, frame)
        elif kind == "ready":
            proc.last_hb = time.monotonic()
            if proc.state == "starting":
                proc.state = "ready"
            if proc.kind == "agent":
                cluster = frame.get("cluster")
                if isinstance(cluster, dict):
                    self.cluster.update(cluster)
            if not proc.ready.done():
                proc.ready.set_result(proc)
            self._on_ready(proc)
        elif kind == "error":
            proc.error_line = str(frame.get("message") or "")
        elif kind == "retire":
            self._on_retire(proc, str(frame.get("reason") or "retiring"))

    def _on_ready(self, proc: Proc) -> None:
        if not self.started or self.stopping:
            return
        if proc.kind == "agent":
            self.say(f"new agent {proc.pid} ready")
            self.send(proc, "egg-ready", self._egg_ready_data())
            self._send_pids()
            for app in self._live_apps():
                self.send(app, "agent-start", {"pid": proc.pid})
        elif not self.reloading:
            self.say(f"{proc.label} {proc.pid} ready")
            self.send(proc, "egg-ready", self._egg_ready_data())
            self._send_pids()

    def _on_retire(self, proc: Proc, reason: str) -> None:
        if proc.state not in ("ready", "starting") or self.stopping:
            return
        proc.state = "retiring"
        proc.reason = reason
        proc.stop_at = time.monotonic()
        self.say(f"{proc.label} {proc.pid} is leaving ({reason}); forking its replacement")
        self._maintain()

    # -- reaping --------------------------------------------------------------------------
    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            proc = self.procs.pop(pid, None)
            if proc is None:
                continue  # an adopted orphan (we may be PID 1): reaped, nothing else to do
            proc.popen.returncode = os.waitstatus_to_exitcode(status)
            self._on_exit(proc, status)

    def _on_exit(self, proc: Proc, status: int) -> None:
        how = describe_exit(status)
        proc.channel.close()
        if proc.kind == "agent":
            if self.agent is proc:
                self.agent = None
        elif proc in self.apps:
            self.apps.remove(proc)
        if not proc.exited.done():
            proc.exited.set_result(status)
        if not proc.ready.done():
            proc.ready.set_exception(StartFailed(proc.error_line or how))
            if not self.started or self.stopping:
                return
            self.warn(f"{proc.label} {proc.pid} failed to start: {proc.error_line or how}")
        elif self.stopping:
            self.say(f"{proc.label} {proc.pid} {how}")
            return
        elif proc.state in ("retiring", "stopping"):
            self.say(f"{proc.label} {proc.pid} {how} ({proc.reason or 'stopped'})")
        else:
            why = f" ({proc.reason})" if proc.reason else ""
            self.warn(f"{proc.label} {proc.pid} died: {how}{why}")
        if not self.started or self.stopping:
            return
        if proc.kind == "agent":
            for app in self._live_apps():
                self.send(app, "agent-exit", {"pid": proc.pid, "reason": how})
            self.say(f"starting a new agent in {AGENT_RESTART_DELAY:g}s")
            self._loop.call_later(AGENT_RESTART_DELAY, self._restart_agent)  # type: ignore[union-attr]
            return
        self._send_pids()
        self._maintain()

    def _restart_agent(self) -> None:
        if self.stopping or self.agent is not None:
            return
        if not self._may_fork("agent"):
            return
        self._spawn_task(self._spawn, "agent")

    def _live_apps(self) -> list[Proc]:
        return [p for p in self.apps if p.state in ("starting", "ready", "retiring")]

    def _active_apps(self) -> list[Proc]:
        return [p for p in self.apps if p.state in ("starting", "ready")]

    def _may_fork(self, what: str) -> bool:
        if self.refork_disabled:
            return False
        limit = int(self.cluster.get("refork_limit") or 60)
        window = float(self.cluster.get("refork_window") or 60)
        now = time.monotonic()
        while self._reforks and now - self._reforks[0] > window:
            self._reforks.popleft()
        if len(self._reforks) >= limit:
            self.refork_disabled = True
            self.warn(f"refork limit reached: {len(self._reforks)} processes forked in the last {window:g}s "
                      f"(cluster.refork_limit {limit}); not forking any more. Fix the crash (see the "
                      f"errors above) and restart")
            if not self._active_apps() and not self.stopping:
                self.warn("no app worker left: exiting 1")
                self.stopping = True
                self._spawn_task(self._shutdown_with, 1)
            return False
        self._reforks.append(now)
        return True

    def _maintain(self) -> None:
        """Fork app workers until ``target`` are starting or serving (rate-limited)."""
        if self.stopping or not self.started:
            return
        missing = self.target - len(self._active_apps())
        for _ in range(max(0, missing)):
            if not self._may_fork("app worker"):
                return
            self._spawn_task(self._spawn, "app")

    # -- messenger ----------------------------------------------------------------------------
    def send(self, proc: Proc, action: str, data: Any = None) -> bool:
        """A message from the master to one child; False when it is gone."""
        return proc.channel.send({"t": "msg", "action": action, "data": data, "from": self.pid})

    def broadcast(self, action: str, data: Any = None) -> None:
        """A message from the master to every app worker and the agent."""
        for proc in list(self.procs.values()):
            self.send(proc, action, data)

    def _send_pids(self) -> None:
        if self.agent is not None:
            self.send(self.agent, "egg-pids", [p.pid for p in self.apps if p.state == "ready"])

    def _route(self, sender: Proc, frame: dict) -> None:
        to = frame.get("to")
        apps = self._live_apps()
        if to == "agent":
            targets = [self.agent] if self.agent is not None else []
        elif to == "app":
            targets = apps
        elif to == "all":
            targets = apps + ([self.agent] if self.agent is not None else [])
        elif to == "random":
            ready = [p for p in apps if p.state == "ready"] or apps
            targets = [random.choice(ready)] if ready else []
        elif isinstance(to, int):
            proc = self.procs.get(to)
            targets = [proc] if proc is not None else []
        else:
            targets = []
        if not targets:
            return
        out = {"t": "msg", "action": frame.get("action"), "data": frame.get("data"), "from": sender.pid}
        try:
            data = encode(out, 2 * int(self.cluster.get("ipc_max_bytes") or DEFAULT_MAX_BYTES))
        except (MessageTooLarge, TypeError) as exc:
            self.warn(f"message from {sender.label} {sender.pid} dropped: {exc}")
            return
        for proc in targets:
            proc.channel.write(data)  # a dead or closing target: dropped, never raised

    # -- watchdog -----------------------------------------------------------------------------------
    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self._reap()  # SIGCHLD may coalesce; this catches anything it missed
            now = time.monotonic()
            worker_timeout = float(self.cluster.get("worker_timeout") or 30)
            kill_timeout = float(self.cluster.get("kill_timeout") or 30)
            for proc in list(self.procs.values()):
                if proc.state == "ready" and now - proc.last_hb > worker_timeout:
                    self.warn(f"{proc.label} {proc.pid} sent no heartbeat for {now - proc.last_hb:.1f}s "
                              f"(cluster.worker_timeout {worker_timeout:g}s): its event loop is blocked; killing it")
                    proc.state = "hung"
                    proc.reason = "hung"
                    self._kill(proc, signal.SIGKILL)
                    if proc.kind == "app":
                        self._maintain()
                elif proc.state in ("retiring", "stopping") and proc.stop_at and now - proc.stop_at > kill_timeout:
                    self.warn(f"{proc.label} {proc.pid} did not exit within {kill_timeout:g}s "
                              f"(cluster.kill_timeout); killing it")
                    proc.stop_at = 0.0
                    self._kill(proc, signal.SIGKILL)

    # -- signals ---------------------------------------------------------------------------------
    def _on_stop_signal(self, sig: int) -> None:
        name = signal.Signals(sig).name
        self._signals += 1
        if self._signals > 1:
            self.warn(f"{name} again: quick shutdown, killing every child")
            self._spawn_task(self._quick)
            return
        kill_timeout = float(self.cluster.get("kill_timeout") or 30)
        self.say(f"{name}: stopping (drain in-flight requests, before_close in app workers then the agent; "
                 f"up to {kill_timeout:g}s each)")
        self.stopping = True
        self._spawn_task(self._shutdown_with, 0)

    async def _shutdown_with(self, code: int) -> None:
        await self._stop_all(quick=False)
        if self._signals > 1:
            code = 1  # a quick shutdown overtook this one
        self.say("stopped")
        if self._done is not None and not self._done.done():
            self._done.set_result(code)

    async def _quick(self) -> None:
        await self._stop_all(quick=True)
        if self._done is not None and not self._done.done():
            self._done.set_result(1)

    async def _stop_all(self, quick: bool) -> None:
        self.stopping = True
        kill_timeout = float(self.cluster.get("kill_timeout") or 30)
        sig = signal.SIGKILL if quick else signal.SIGTERM
        await self._stop_group(list(self.apps), sig, kill_timeout)
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        agent = [self.agent] if self.agent is not None else []
        await self._stop_group(agent, sig, kill_timeout)

    async def _stop_group(self, procs: list[Proc], sig: int, timeout: float) -> None:
        procs = [p for p in procs if not p.exited.done()]
        if not procs:
            return
        for proc in procs:
            proc.state = "stopping"
            proc.stop_at = proc.stop_at or time.monotonic()
            self._kill(proc, sig)
        _, pending = await asyncio.wait([p.exited for p in procs], timeout=timeout)
        if pending:
            stragglers = [p for p in procs if not p.exited.done()]
            self.warn(f"{len(stragglers)} process(es) did not exit within {timeout:g}s: killing "
                      f"{', '.join(str(p.pid) for p in stragglers)}")
            for proc in stragglers:
                self._kill(proc, signal.SIGKILL)
            await asyncio.wait([p.exited for p in stragglers], timeout=5)

    async def _reload(self) -> None:
        if not self.started or self.stopping or self.reloading:
            self.warn("SIGHUP ignored: " + ("not started yet" if not self.started else
                                            "stopping" if self.stopping else "a reload is running"))
            return
        self.reloading = True
        try:
            old = [p for p in self.apps if p.state in ("ready", "starting")]
            self.say(f"SIGHUP: rolling reload: starting {self.target} new app worker(s), then stopping "
                     f"{len(old)} old one(s)")
            for proc in old:
                proc.state = "retiring"  # replaced below; no refork when they leave
                proc.reason = "reloaded"
            new = [await self._spawn("app") for _ in range(self.target)]
            try:
                for proc in new:
                    await proc.ready
            except StartFailed as exc:
                self.warn(f"reload aborted: a new app worker failed to start: {exc}; the old workers keep serving")
                for proc in old:
                    if proc.state == "retiring":
                        proc.state = "ready"
                await self._stop_group([p for p in new if not p.exited.done()], signal.SIGTERM,
                                       float(self.cluster.get("kill_timeout") or 30))
                return
            for proc in new:
                self.send(proc, "egg-ready", self._egg_ready_data())
            for proc in old:
                if not proc.exited.done():
                    proc.stop_at = time.monotonic()
                    self._kill(proc, signal.SIGTERM)
            self._send_pids()
            self.say(f"reload: new app workers {', '.join(str(p.pid) for p in new)} serving; old ones draining")
        finally:
            self.reloading = False
        self._maintain()

    def _on_ttin(self) -> None:
        if not self.started or self.stopping:
            return
        self.target += 1
        self.say(f"SIGTTIN: {self.target} app worker(s)")
        self._spawn_task(self._spawn, "app")

    def _on_ttou(self) -> None:
        if not self.started or self.stopping:
            return
        if self.target <= 1:
            self.warn("SIGTTOU ignored: one app worker is the minimum")
            return
        self.target -= 1
        active = self._active_apps()
        self.say(f"SIGTTOU: {self.target} app worker(s)")
        if len(active) > self.target:
            proc = active[-1]
            proc.state = "stopping"
            proc.reason = "SIGTTOU"
            proc.stop_at = time.monotonic()
            self._kill(proc, signal.SIGTERM)
