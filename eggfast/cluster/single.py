"""``eggfast start --workers 0``: single-process production mode, for containers that scale by replicas.

The agent and the app in this one process (as :func:`eggfast.start`), with
what the cluster's workers have: the health answers, SIGTERM/SIGINT → stop
accepting, drain (idle keep-alive connections get ``drain_idle_grace``),
``before_close`` in the app then the agent, exit 0 within
``cluster.kill_timeout``; a second signal exits at once.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from typing import Any, Callable, Optional

from eggfast.cluster.health import DrainState, mount_health

__all__ = ["run_single"]


def _say(text: str, err: bool = False) -> None:
    print(f"[eggfast single {os.getpid()}] {text}", file=sys.stderr if err else sys.stdout, flush=True)


def run_single(base_dir: str, *, env: Optional[str], host: Optional[str], port: Optional[int],
               framework: Optional[str], on_started: Optional[Callable[[int], None]] = None) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code."""
    from eggfast.server import new_event_loop

    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(_single(base_dir, env, host, port, framework, on_started))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()


async def _single(base_dir: str, env: Optional[str], host: Optional[str], port: Optional[int],
                  framework: Optional[str], on_started: Optional[Callable[[int], None]]) -> int:
    from eggfast.cluster.child import error_line
    from eggfast.egg.messenger import MessageHub, Messenger
    from eggfast.egg.single_process import resolve_framework

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = [0]

    def on_signal(sig: int) -> None:
        signals[0] += 1
        if signals[0] > 1:
            _say(f"{signal.Signals(sig).name} again: exiting now", err=True)
            os._exit(1)
        _say(f"{signal.Signals(sig).name}: draining, then before_close")
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    started = time.monotonic()
    _say(f"starting {base_dir} (env {env or 'prod'}): agent, then application, in this process")
    app: Any = None
    agent: Any = None
    state = DrainState()
    try:
        app_cls, agent_cls = resolve_framework(base_dir, framework)
        hub = MessageHub()
        agent = agent_cls(base_dir=base_dir, env=env, messenger=Messenger("agent", hub))
        await agent.ready()
        app = app_cls(base_dir=base_dir, env=env, messenger=Messenger("app", hub))
        app.agent, agent.application, app._owns_agent = agent, app, True
        await app.ready()
        mount_health(app, state)
        listen = (app.config.get("cluster") or {}).get("listen") or {}
        host = host or listen.get("hostname") or "127.0.0.1"
        port = int(port if port is not None else listen.get("port") or 7001)
        await app.create_server(host, port)
        await agent.server_did_ready()
        app.messenger.broadcast("egg-ready", {"port": app.server.port, "address": f"http://{host}:{app.server.port}",
                                              "protocol": "http", "workers": 0})
    except Exception as exc:
        if isinstance(exc, OSError) and port is not None:
            _say(f"cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        else:
            _say(f"start failed: {error_line(exc)}", err=True)
        if app is not None:
            await app.close()
        elif agent is not None:
            await agent.close()
        return 1
    _say(f"started on http://{host}:{app.server.port} ({(time.monotonic() - started) * 1000:.0f} ms)")
    if on_started is not None:
        on_started(app.server.port)
    await stop.wait()
    state.draining = True
    cluster = app.config.get("cluster") or {}
    kill_timeout = float(cluster.get("kill_timeout") or 30)
    server = app.server
    _say(f"draining {len(server.connections)} connection(s)")
    server.close(min(float(cluster.get("drain_idle_grace") or 0), kill_timeout / 2))
    try:
        await asyncio.wait_for(server.wait_closed(), kill_timeout)
    except asyncio.TimeoutError:
        for protocol in list(server.connections):
            if protocol.transport is not None:
                protocol.transport.abort()
    await app.close()
    _say("stopped")
    return 0
