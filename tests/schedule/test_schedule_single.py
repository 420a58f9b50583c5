"""Schedules in one process (``eggfast dev`` / ``eggfast.start``): ticks, run_schedule, errors, no pile-up."""
from __future__ import annotations

import asyncio
import socket
import textwrap
import time
from pathlib import Path

import eggfast


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(tmp_path: Path, schedules: dict[str, str]) -> Path:
    base = tmp_path / "app"
    (base / "app" / "schedule").mkdir(parents=True)
    (base / "config").mkdir()
    (base / "config" / "config.default.py").write_text(
        f"config = {{'keys': 'k', 'logger': {{'dir': {str(tmp_path / 'logs')!r}, 'console': False}}}}\n")
    for name, body in schedules.items():
        (base / "app" / "schedule" / f"{name}.py").write_text(textwrap.dedent(body))
    return base


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


async def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


async def test_ticks_run_schedule_errors_and_no_pile_up(tmp_path):
    marks = tmp_path / "marks.txt"
    base = make_app(tmp_path, {
        "tick": f"""
            import os, time
            schedule = {{"interval": "200ms", "type": "worker"}}
            async def task(ctx):
                assert ctx.method == "SCHEDULE" and ctx.path == "/__schedule"
                with open({str(marks)!r}, "a") as f:
                    f.write(f"tick {{os.getpid()}} {{time.time():.3f}}\\n")
        """,
        "every": f"""
            from eggfast import Subscription
            class Every(Subscription):
                schedule = {{"interval": 0.2, "type": "all", "immediate": True}}
                async def subscribe(self):
                    with open({str(marks)!r}, "a") as f:
                        f.write("all\\n")
        """,
        "boom": """
            schedule = {"interval": "200ms"}
            async def task(ctx):
                raise RuntimeError("boom in a schedule")
        """,
        "slow": f"""
            import asyncio
            state = {{"now": 0, "max": 0}}
            schedule = {{"interval": "100ms"}}
            async def task(ctx):
                state["now"] += 1
                state["max"] = max(state["max"], state["now"])
                with open({str(marks)!r}, "a") as f:
                    f.write(f"slow {{state['max']}}\\n")
                await asyncio.sleep(0.45)
                state["now"] -= 1
        """,
        "off": f"""
            schedule = {{"interval": "100ms", "disable": True}}
            async def task(ctx):
                open({str(marks)!r}, "a").write("off\\n")
        """,
        "prodonly": f"""
            schedule = {{"interval": "100ms", "env": ["prod"]}}
            async def task(ctx):
                open({str(marks)!r}, "a").write("prodonly\\n")
        """,
        "manual": """
            schedule = {"cron": "0 0 1 1 *"}
            async def task(ctx, value=None):
                return ("manual", ctx.method, value)
        """,
    })
    errors = []
    app = await eggfast.start(base_dir=base, env="unittest", port=_free_port())
    try:
        app.on("error", lambda err, ctx=None: errors.append(err))
        await wait_for(lambda: sum(l.startswith("tick") for l in lines(marks)) >= 4, 10, "4 ticks")
        await wait_for(lambda: sum(l.startswith("slow") for l in lines(marks)) >= 2, 10, "2 slow runs")
        assert await app.run_schedule("manual", 7) == ("manual", "SCHEDULE", 7)
        # the server still answers after failing schedules
        reader, writer = await asyncio.open_connection("127.0.0.1", app.server.port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await asyncio.wait_for(reader.read(), 5)).startswith(b"HTTP/1.1 404")
        writer.close()
    finally:
        await app.close()
    text = lines(marks)
    count = len(text)
    await asyncio.sleep(0.5)
    assert len(lines(marks)) == count, "a schedule ran after close"
    assert "all" in text and "off" not in text and "prodonly" not in text
    # the slow task (0.45 s on a 0.1 s interval) never overlapped itself
    assert all(l == "slow 1" for l in text if l.startswith("slow"))
    assert any(isinstance(e, RuntimeError) and "boom" in str(e) for e in errors)
    log = (tmp_path / "logs" / "eggfast-schedule.log").read_text()
    assert "boom execute failed, used" in log and "RuntimeError: boom in a schedule" in log
    assert "tick execute succeed, used" in log
    assert "slow: tick" in log and "skipped" in log
    assert "manual execute succeed" in log


async def test_type_all_slow_task_is_not_piled_up_in_a_worker(tmp_path):
    marks = tmp_path / "marks.txt"
    base = make_app(tmp_path, {
        "slowall": f"""
            import asyncio
            state = {{"now": 0}}
            schedule = {{"interval": "100ms", "type": "all"}}
            async def task(ctx):
                state["now"] += 1
                with open({str(marks)!r}, "a") as f:
                    f.write(f"run {{state['now']}}\\n")
                await asyncio.sleep(0.35)
                state["now"] -= 1
        """,
    })
    app = await eggfast.start(base_dir=base, env="unittest", port=_free_port())
    try:
        await wait_for(lambda: len(lines(marks)) >= 3, 10, "3 runs")
    finally:
        await app.close()
    assert set(lines(marks)) == {"run 1"}
    log = (tmp_path / "logs" / "eggfast-schedule.log").read_text()
    assert "skipped, the previous run is still running in this worker" in log
