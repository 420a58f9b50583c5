"""``eggfast start`` and ``eggfast stop``: the cluster (or one process with ``--workers 0``) in production.

    eggfast start --base-dir examples/hello --port 7001 --workers 2
    eggfast start --base-dir examples/hello --daemon --title hello
    eggfast stop --base-dir examples/hello --title hello

``start`` runs the master in the foreground (env ``prod`` unless ``--env``
or ``EGG_SERVER_ENV``) and writes ``<base_dir>/run/<title>.pid``.
``--daemon`` starts it detached, with stdout/stderr in
``<base_dir>/logs/master-stdout.log`` / ``master-stderr.log``, and returns
once it serves (exit 0) or failed (exit 1 with its error line).  ``stop``
sends SIGTERM to the master(s) found by pid file and waits for them to exit.
"""
from __future__ import annotations

import argparse
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

__all__ = ["add_start_arguments", "add_stop_arguments", "run_start", "run_stop"]

READY_FD_ENV = "EGGFAST_READY_FD"


def add_start_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-dir", default=".", help="the app folder (default: the current directory)")
    parser.add_argument("--port", type=int, default=None, help="port (default: config.cluster.listen.port, 7001)")
    parser.add_argument("--host", default=None, help="address (default: config.cluster.listen.hostname, 127.0.0.1)")
    parser.add_argument("--workers", type=int, default=None,
                        help="app workers (default: config.cluster.workers, else the CPUs this process may use); "
                             "0 = one process, no master")
    parser.add_argument("--env", default=None, help="server env (default: EGG_SERVER_ENV, else prod)")
    parser.add_argument("--title", default=None, help="names the pid file (default: eggfast-server-<app name>)")
    parser.add_argument("--framework", default=None, help="framework package (default: eggfast.toml [app] framework)")
    parser.add_argument("--daemon", action="store_true", help="detach; output in <base_dir>/logs/master-*.log")
    parser.add_argument("--timeout", type=float, default=300,
                        help="--daemon: seconds to wait for the start (default 300)")


def add_stop_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-dir", default=".", help="the app folder whose run/ holds the pid file")
    parser.add_argument("--title", default=None, help="the master's title (default: every master of the app)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for the exit (default 120)")


def _say(text: str, err: bool = False) -> None:
    print(f"[eggfast start] {text}", file=sys.stderr if err else sys.stdout, flush=True)


def run_start(args: argparse.Namespace) -> int:
    from eggfast.cluster.pidfile import default_title, pid_path, remove_pid, write_pid

    base_dir = Path(args.base_dir).resolve()
    if not base_dir.is_dir():
        _say(f"{base_dir}: no such directory", err=True)
        return 1
    env = args.env or os.environ.get("EGG_SERVER_ENV") or "prod"
    title = args.title or default_title(base_dir)
    if args.daemon:
        return _daemonize(args, base_dir, title)
    pidfile = pid_path(base_dir, title)
    write_pid(pidfile)
    ready_fd = os.environ.pop(READY_FD_ENV, None)

    def on_started(port: int) -> None:
        if ready_fd is not None:
            try:
                os.write(int(ready_fd), f"ready {port}\n".encode())
                os.close(int(ready_fd))
            except OSError:
                pass

    try:
        if args.workers == 0:
            from eggfast.cluster.single import run_single

            return run_single(str(base_dir), env=env, host=args.host, port=args.port,
                              framework=args.framework, on_started=on_started)
        from eggfast.cluster.master import Master, MasterOptions

        if args.workers is not None and args.workers < 0:
            _say("--workers must be 0 (one process) or more", err=True)
            return 1
        options = MasterOptions(base_dir=str(base_dir), env=env, framework=args.framework, host=args.host,
                                port=args.port, workers=args.workers, title=title, on_started=on_started)
        return Master(options).run()
    finally:
        remove_pid(pidfile)


def _daemonize(args: argparse.Namespace, base_dir: Path, title: str) -> int:
    logs = base_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stdout, stderr = logs / "master-stdout.log", logs / "master-stderr.log"
    argv = [sys.executable, "-m", "eggfast", "start", "--base-dir", str(base_dir), "--title", title]
    for name in ("port", "host", "workers", "env", "framework"):
        value = getattr(args, name)
        if value is not None:
            argv += [f"--{name}", str(value)]
    read_end, write_end = os.pipe()
    env = dict(os.environ, **{READY_FD_ENV: str(write_end)})
    _say(f"starting {title} in the background (output in {stdout} and {stderr})")
    with open(stdout, "ab") as out, open(stderr, "ab") as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                pass_fds=(write_end,), start_new_session=True, cwd=str(base_dir))
    os.close(write_end)
    deadline = time.monotonic() + args.timeout
    data = b""
    eof = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.5)
            if ready:
                chunk = os.read(read_end, 256)
                if not chunk:
                    eof = True
                    break
                data += chunk
                if b"\n" in data:
                    break
    finally:
        os.close(read_end)
    if data.startswith(b"ready"):
        port = data.split()[1].decode()
        _say(f"{title} (master {proc.pid}) serves on port {port}")
        return 0
    if not eof:
        _say(f"{title} (master {proc.pid}) did not start within {args.timeout:g}s; stopping it", err=True)
        proc.send_signal(signal.SIGTERM)
        return 1
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    lines = [line for line in stderr.read_text(errors="replace").splitlines() if line.strip()]
    _say(f"{title} failed to start: {lines[-1] if lines else 'no output'} (see {stderr})", err=True)
    return 1


def run_stop(args: argparse.Namespace) -> int:
    from eggfast.cluster.pidfile import alive, pid_path, read_pid

    base_dir = Path(args.base_dir).resolve()
    if args.title:
        files = [pid_path(base_dir, args.title)]
    else:
        files = sorted((base_dir / "run").glob("*.pid"))
    masters = []
    for path in files:
        pid = read_pid(path)
        if pid is None:
            continue
        if not alive(pid):
            print(f"[eggfast stop] {path}: master {pid} is not running; removing the stale pid file", flush=True)
            path.unlink(missing_ok=True)
            continue
        masters.append((path, pid))
    if not masters:
        what = f"title {args.title!r}" if args.title else "any title"
        print(f"[eggfast stop] no running master for {base_dir} ({what}; pid files in {base_dir / 'run'})",
              file=sys.stderr, flush=True)
        return 1
    for path, pid in masters:
        print(f"[eggfast stop] stopping master {pid} ({path.stem}): SIGTERM, waiting for it to drain and exit",
              flush=True)
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + args.timeout
    code = 0
    for path, pid in masters:
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if alive(pid):
            print(f"[eggfast stop] master {pid} still running after {args.timeout:g}s", file=sys.stderr, flush=True)
            code = 1
        else:
            print(f"[eggfast stop] master {pid} stopped", flush=True)
    return code


def main_start(argv: Optional[list] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="eggfast start")
    add_start_arguments(parser)
    return run_start(parser.parse_args(argv))
