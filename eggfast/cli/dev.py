"""``eggfast dev``: agent + app in one process, env local by default, graceful on SIGTERM/SIGINT.

    eggfast dev --base-dir examples/hello --port 7001
    python -m eggfast dev --base-dir examples/hello

The env is ``--env``, else ``EGG_SERVER_ENV``, else the file ``config/env``,
else ``local`` (SPEC §3 with dev's default: an explicit ``config/env`` wins
over it).  Each long step prints one line; a start-up error prints one line naming
the file and exits 1.  There is no reload on file changes yet (that is the
development plugin's job): the first lines say so, and the process must be
restarted to pick up a change.  When the app has ``typings/`` (``eggfast typings``
ran once), the stubs are written again whenever a file under app/ or config/
changes.  On SIGTERM or SIGINT the server stops accepting,
finishes in-flight requests, runs ``before_close`` and the process exits 0.
"""
from __future__ import annotations

import argparse
import asyncio
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


def dev_env(base_dir: Path, cli_env: Optional[str] = None) -> str:
    """``--env`` > ``EGG_SERVER_ENV`` > ``config/env`` (trimmed) > ``"local"`` (SPEC §3, §14)."""
    from eggfast.loader.app_info import detect_env

    return detect_env(Path(base_dir), cli_env)


def _say(text: str) -> None:
    print(f"[eggfast dev] {text}", flush=True)


def run_dev(args: argparse.Namespace) -> int:
    from eggfast.server import new_event_loop

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
    _say(f"starting {base_dir} (env {env}, pid {os.getpid()})")
    # Reloading belongs to the development plugin, which is not written yet.
    _say("no reload: file changes are not picked up; restart eggfast dev to apply them")
    _say("loading agent, then application: plugins, config, extend, boots, services, middleware, controllers, router")
    try:
        app: Any = await start(base_dir, env=env, port=args.port, host=args.host, framework=args.framework)
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
    try:
        await stop.wait()
    finally:
        if watcher is not None:
            watcher.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
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


def main(argv: Optional[list] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="eggfast dev")
    add_arguments(parser)
    return run_dev(parser.parse_args(argv))
