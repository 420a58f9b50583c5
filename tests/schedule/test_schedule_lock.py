"""The cross-machine Redis lock of type-worker schedules, against a real redis-server."""
from __future__ import annotations

import asyncio
import socket
import textwrap
import time
from collections import Counter
from pathlib import Path

import eggfast

TASK = """
    import os
    schedule = {"interval": "300ms", "type": "worker"}
    async def task(ctx):
        with open(os.environ.get("LOCK_MARKS_" + ctx.app.config.machine), "a") as f:
            f.write(f"{ctx.app.config.machine} {ctx.state['schedule']['tick']:.3f}\\n")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_machine(tmp_path: Path, name: str, redis: dict) -> Path:
    base = tmp_path / name
    (base / "app" / "schedule").mkdir(parents=True)
    (base / "app" / "schedule" / "job.py").write_text(textwrap.dedent(TASK))
    (base / "config").mkdir()
    (base / "config" / "config.default.py").write_text(
        f"config = {{'keys': 'k', 'name': 'same-app', 'machine': {name!r}, "
        f"'logger': {{'dir': {str(tmp_path / name / 'logs')!r}, 'console': False}}, "
        f"'schedule': {{'lock': {{'enable': True, 'client': {redis!r}, 'prefix': 'locktest:'}}}}}}\n")
    return base


def rows(path: Path) -> list[list[str]]:
    return [l.split() for l in path.read_text().splitlines()] if path.exists() else []


async def test_two_machines_run_each_tick_once_and_redis_down_skips(tmp_path, own_redis_server, monkeypatch):
    marks = tmp_path / "marks.txt"
    monkeypatch.setenv("LOCK_MARKS_a", str(marks))
    monkeypatch.setenv("LOCK_MARKS_b", str(marks))
    redis = own_redis_server.client_config
    a = await eggfast.start(base_dir=make_machine(tmp_path, "a", redis), env="unittest", port=_free_port())
    b = await eggfast.start(base_dir=make_machine(tmp_path, "b", redis), env="unittest", port=_free_port())
    try:
        deadline = time.monotonic() + 15
        while len(rows(marks)) < 8 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        ticks = Counter(t for _, t in rows(marks))
        assert len(ticks) >= 8
        assert all(n == 1 for n in ticks.values()), f"a tick ran on both machines: {ticks}"
        # Redis goes away: ticks are skipped and logged, both apps keep running
        own_redis_server.stop()
        before = len(rows(marks))
        await asyncio.sleep(1.0)
        assert len(rows(marks)) <= before + 1  # at most a run whose lock was taken just before the stop
    finally:
        await b.close()
        await a.close()
    logs = "".join((tmp_path / m / "logs" / "eggfast-schedule.log").read_text() for m in "ab")
    assert "run by another machine (lock held)" in logs
    assert "lock failed, tick skipped" in logs


async def test_lock_needs_redis_at_start_up(tmp_path):
    from eggfast.errors import ConfigError

    base = make_machine(tmp_path, "a", {"host": "127.0.0.1", "port": _free_port()})
    try:
        await eggfast.start(base_dir=base, env="unittest")
    except ConfigError as exc:
        assert "schedule lock: cannot reach Redis" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("started without Redis")
