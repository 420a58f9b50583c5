"""``eggfast dev``: agent + app in one process, env local by default, graceful on SIGTERM/SIGINT.

    eggfast dev --base-dir examples/hello --port 7001
    python -m eggfast dev --base-dir examples/hello

The env is ``--env``, else ``EGG_SERVER_ENV``, else the file ``config/env``,
else ``local`` (SPEC §3 with dev's default: an explicit ``config/env`` wins
over it).  Each long step prints one line; a start-up error prints one line naming
the file and exits 1.  When the app has ``typings/`` (``eggfast typings`` ran
once), the stubs are written again whenever a file under app/ or config/
changes.  On SIGTERM or SIGINT the server stops accepting,
finishes in-flight requests, runs ``before_close`` and the process exits 0.

Reload (egg-development's job): ``eggfast dev`` is a small supervisor that
binds the port once and runs the app (agent + app) in a worker process that
serves on the inherited socket.  watchfiles watches ``app/``, ``config/``
and the app's local plugin folders (ignoring ``logs/``, ``run/``,
``public/``, ``view/``, ``__pycache__`` and dotfiles); on a change a new
worker starts, and only once it is listening is the old one told to stop,
so requests in flight finish on the old code.  A new worker that fails to
start (a syntax error after an edit) prints its error and exits; the old
one keeps serving.  Each reload prints the files that changed and the time
it took.  ``--no-reload`` runs the app in this process as before.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Optional

__all__ = ["add_arguments", "run_dev", "dev_env"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-dir", default=".", help="the app folder (default: the current directory)")
    parser.add_argument("--port", type=int, default=7001, help="port to serve on (default 7001; 0 picks one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--env", default=None, help="server env (default: EGG_SERVER_ENV, else the file config/env, else local)")
    parser.add_argument("--framework", default=None, help="framework package (default: eggfast.toml [app] framework)")
    parser.add_argument("--no-reload", action="store_true", help="serve in this process; no reload on file changes")
    # internal: a worker of the reloading supervisor (the listening socket's fd, the ready pipe's fd)
    parser.add_argument("--worker-fds", default=None, help=argparse.SUPPRESS)


def dev_env(base_dir: Path, cli_env: Optional[str] = None) -> str:
    """``--env`` > ``EGG_SERVER_ENV`` > ``config/env`` (trimmed) > ``"local"`` (SPEC §3, §14)."""
    from eggfast.loader.app_info import detect_env

    return detect_env(Path(base_dir), cli_env)


def _say(text: str) -> None:
    print(f"[eggfast dev] {text}", flush=True)


def run_dev(args: argparse.Namespace) -> int:
    from eggfast.server import new_event_loop

    if not getattr(args, "no_reload", False) and getattr(args, "worker_fds", None) is None:
        from eggfast.cli.reload import run_supervisor

        return run_supervisor(args)
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_dev(args))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()


async def _dev(args: argparse.Namespace) -> int:
    from eggfast.errors import ConfigError
    from eggfast.egg.single_process import start

    base_dir = Path(args.base_dir).resolve()
    try:
        env = dev_env(base_dir, args.env)
    except OSError as exc:  # an unreadable config/env: one line naming it
        print(f"eggfast dev: {base_dir / 'config' / 'env'}: cannot read: {exc.strerror or exc}",
              file=sys.stderr, flush=True)
        return 1
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    started = time.perf_counter()
    worker = getattr(args, "worker_fds", None)
    listen_fd, ready_fd = (int(x) for x in worker.split(",")) if worker else (None, None)
    if listen_fd is None:
        _say(f"starting {base_dir} (env {env}, pid {os.getpid()})")
        _say("no reload (--no-reload): restart eggfast dev to apply file changes")
    else:
        _say(f"worker {os.getpid()} loading {base_dir} (env {env})")
    _say("loading agent, then application: plugins, config, extend, boots, services, middleware, controllers, router")
    try:
        if listen_fd is None:
            app: Any = await start(base_dir, env=env, port=args.port, host=args.host, framework=args.framework)
        else:
            app = await _start_on_fd(base_dir, env, args.framework, listen_fd)
    except ConfigError as exc:
        print(f"eggfast dev: {exc}", file=sys.stderr, flush=True)
        return 1
    except OSError as exc:
        print(f"eggfast dev: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # one line, not a traceback
        print(f"eggfast dev: start failed: {type(exc).__name__}: {' '.join(str(exc).split())}",
              file=sys.stderr, flush=True)
        return 1
    total = (time.perf_counter() - started) * 1000
    agent = app.agent
    _say(f"{len(app.plugins)} plugins: {', '.join(app.plugins)}")
    _say(f"middleware: {', '.join(getattr(app.loader, 'middleware_names', []))}")
    _say(f"ready in {total:.0f} ms (agent {agent.timing.total():.0f} ms, app {app.timing.total():.0f} ms); "
         f"slowest steps (full report: {app.rundir / 'application_timing.json'}):")
    for line in app.timing.summary(5):
        print(f"    {line}", flush=True)
    from eggfast.twins import implementation

    _say("hot paths: " + ", ".join(f"{path}={twin}" for path, twin in implementation().items()))
    _say(f"listening on http://{args.host}:{app.server.port}")
    watcher = _start_typings_watcher(base_dir, env)
    if ready_fd is not None:
        roots = [str(info.root) for info in app.plugins.values()
                 if info.root and str(info.root).startswith(str(base_dir) + os.sep)]
        watch = {"watch_dirs": [], "ignore_dirs": []}
        if "development" in app.plugins:
            from eggfast.plugins.development.options import watch_options

            watch = watch_options(app)
        os.write(ready_fd, (json.dumps({"ready": True, "plugin_roots": roots, **watch}) + "\n").encode())
        os.close(ready_fd)
    try:
        await stop.wait()
    finally:
        if watcher is not None:
            watcher.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            if listen_fd is None:
                loop.remove_signal_handler(sig)
            else:  # a worker: Ctrl-C reaches it and the supervisor's SIGTERM follows; neither may cut the drain
                loop.add_signal_handler(sig, lambda: None)
    _say(f"closing: draining {len(app.server.connections)} connection(s), running before_close")
    await app.close()
    _say("closed")
    return 0


def _source_stamp(base_dir: Path) -> dict[str, float]:
    stamp: dict[str, float] = {}
    for folder in ("app", "config"):
        for path in (base_dir / folder).rglob("*.py"):
            try:
                stamp[str(path)] = path.stat().st_mtime
            except OSError:
                continue
    return stamp


def _start_typings_watcher(base_dir: Path, env: str, interval: float = 1.0) -> Optional[asyncio.Task]:
    """When the app has ``typings/`` (``eggfast typings`` ran once), write it again at start and
    whenever a file under app/ or config/ changes (polled every ``interval`` seconds)."""
    from eggfast.cli.typings import PACKAGE, generate

    if not (base_dir / "typings" / PACKAGE).is_dir():
        return None

    async def regenerate() -> None:
        try:
            await asyncio.to_thread(generate, base_dir, env)
            _say("typings updated (typings/" + PACKAGE + ")")
        except Exception as exc:  # a half-saved file: say so, try again on the next change
            _say(f"typings not updated: {type(exc).__name__}: {' '.join(str(exc).split())}")

    async def watch() -> None:
        stamp = _source_stamp(base_dir)
        await regenerate()
        while True:
            await asyncio.sleep(interval)
            now = _source_stamp(base_dir)
            if now != stamp:
                stamp = now
                await regenerate()

    _say("typings/ found: regenerating it when app/ or config/ change")
    return asyncio.ensure_future(watch())
async def _start_on_fd(base_dir: Path, env: str, framework: Optional[str], fd: int) -> Any:
    """agent + app serving on the supervisor's listening socket ``fd`` (as ``start`` does with a port)."""
    import socket

    from eggfast.egg.single_process import start

    app: Any = await start(base_dir, env=env, framework=framework)
    try:
        sock = socket.socket(fileno=fd)
        app._owns_server = True
        await app.create_server(sock=sock)
        await app.agent.server_did_ready()
        app.messenger.broadcast("egg-ready", {"port": app.server.port})
    except BaseException:
        await app.close()
        raise
    return app


def main(argv: Optional[list] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="eggfast dev")
    add_arguments(parser)
    return run_dev(parser.parse_args(argv))
