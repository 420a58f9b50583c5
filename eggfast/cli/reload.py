"""``eggfast dev``'s reloading supervisor (egg-development): one listening socket, one app worker at a time.

The supervisor binds ``--host:--port`` once and starts a worker
(``python -m eggfast dev --worker-fds L,R``) that serves on the inherited
socket ``L`` and writes one JSON line to the pipe ``R`` once it listens.
watchfiles reports changes under ``app/``, ``config/`` and the app's local
plugin folders; a new worker is then started on the same socket, and only
when it is ready is the old one sent SIGTERM (it stops accepting, finishes
its in-flight requests, runs ``before_close``).  A worker that exits before
it is ready (a syntax error, a bad config) has printed its error; the old
worker keeps serving and the supervisor waits for the next change.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

__all__ = ["run_supervisor", "IGNORED_DIRS", "watch_filter"]

#: folder names whose changes never reload (egg-development's ignore list, plus caches)
IGNORED_DIRS = frozenset({"logs", "run", "public", "view", "__pycache__", "node_modules", ".git"})
_WATCHED_TOP = ("app", "config")


def _say(text: str) -> None:
    print(f"[eggfast dev] {text}", flush=True)


def watch_filter(base_dir: Path, plugin_roots: list[str], ignore_dirs: Optional[list[str]] = None) -> Any:
    """A watchfiles filter: files under app/, config/ or a local plugin root or watch dir, none in an ignored folder."""
    base = str(base_dir)
    roots = [r.rstrip(os.sep) + os.sep for r in plugin_roots]
    ignored = IGNORED_DIRS | set(ignore_dirs or [])

    def accept(_change: Any, path: str) -> bool:
        if not path.startswith(base + os.sep):
            return False
        rel = path[len(base) + 1:]
        parts = rel.split(os.sep)
        if any(p in ignored or p.startswith(".") for p in parts):
            return False
        if parts[-1].endswith((".pyc", ".swp", "~")):
            return False
        return parts[0] in _WATCHED_TOP or any(path.startswith(r) for r in roots)

    return accept


class _Worker:
    def __init__(self, proc: subprocess.Popen, ready_read: int) -> None:
        self.proc = proc
        self.ready_read = ready_read
        self.signalled = False

    def terminate(self) -> None:
        """SIGTERM once: a second one would hit the worker after it removed its handler, killing the drain."""
        if not self.signalled and self.proc.poll() is None:
            self.signalled = True
            self.proc.send_signal(signal.SIGTERM)

    async def wait_ready(self) -> Optional[dict]:
        """The worker's ready line, or None when it exited first."""
        loop = asyncio.get_running_loop()

        def read() -> bytes:
            data = b""
            while not data.endswith(b"\n"):
                chunk = os.read(self.ready_read, 4096)
                if not chunk:
                    break
                data += chunk
            return data

        try:
            data = await loop.run_in_executor(None, read)
        finally:
            os.close(self.ready_read)
        if not data:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None

    async def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then wait (SIGKILL after ``timeout`` seconds)."""
        self.terminate()
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(None, self.proc.wait), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            return await loop.run_in_executor(None, self.proc.wait)


def _spawn(args: argparse.Namespace, sock: socket.socket) -> _Worker:
    ready_read, ready_write = os.pipe()
    cmd = [sys.executable, "-m", "eggfast", "dev", "--base-dir", str(args.base_dir), "--host", args.host,
           "--port", str(sock.getsockname()[1]), "--worker-fds", f"{sock.fileno()},{ready_write}"]
    if args.env:
        cmd += ["--env", args.env]
    if args.framework:
        cmd += ["--framework", args.framework]
    proc = subprocess.Popen(cmd, pass_fds=(sock.fileno(), ready_write))
    os.close(ready_write)
    return _Worker(proc, ready_read)


async def _supervise(args: argparse.Namespace) -> int:
    import watchfiles

    import eggfast.egg.single_process  # noqa: F401 - loads the package in the order the loader expects
    from eggfast.cli.dev import dev_env

    base_dir = Path(args.base_dir).resolve()
    try:
        env = dev_env(base_dir, args.env)
    except OSError as exc:
        print(f"eggfast dev: {base_dir / 'config' / 'env'}: cannot read: {exc.strerror or exc}",
              file=sys.stderr, flush=True)
        return 1
    try:
        sock = socket.create_server((args.host, args.port), backlog=2048)
    except OSError as exc:
        print(f"eggfast dev: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return 1
    sock.set_inheritable(True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    _say(f"starting {base_dir} (env {env}, pid {os.getpid()})")
    _say("reload on change: watching app/, config/ and local plugins (watchfiles); "
         "ignoring logs/, run/, public/, view/")
    worker = _spawn(args, sock)
    ready = await worker.wait_ready()
    if ready is None:
        code = await worker.stop()
        sock.close()
        return code or 1
    plugin_roots = list(ready.get("plugin_roots", [])) + list(ready.get("watch_dirs", []))
    try:
        async for changes in watchfiles.awatch(str(base_dir), watch_filter=watch_filter(
                base_dir, plugin_roots, ready.get("ignore_dirs")),
                                               stop_event=stop, debounce=200, step=50):
            started = time.perf_counter()
            names = sorted({os.path.relpath(path, base_dir) for _, path in changes})
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            _say(f"changed: {shown}; starting a new worker")
            fresh = _spawn(args, sock)
            fresh_ready = await fresh.wait_ready()
            if fresh_ready is None:
                await fresh.stop()
                _say(f"reload failed (the error is above): worker {worker.proc.pid} keeps serving the old code")
                continue
            old = worker
            worker = fresh
            old.terminate()  # now: it stops accepting at once
            plugin_roots = list(fresh_ready.get("plugin_roots", plugin_roots))
            _say(f"reloaded in {(time.perf_counter() - started) * 1000:.0f} ms: worker {fresh.proc.pid} serves, "
                 f"worker {old.proc.pid} finishes its requests")
            asyncio.ensure_future(old.stop())
            if stop.is_set():
                break
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    code = await worker.stop()
    sock.close()
    return code


def run_supervisor(args: argparse.Namespace) -> int:
    """Run ``eggfast dev`` with reload; the exit code is the last worker's."""
    return asyncio.run(_supervise(args))
