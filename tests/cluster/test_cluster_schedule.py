"""Schedules under ``eggfast start --workers 2``: one worker per tick, every worker for ``all``, faults."""
from __future__ import annotations

import os
import signal
import textwrap
import time
from collections import Counter, defaultdict
from pathlib import Path

from cluster_helpers import cluster, wait_until  # noqa: F401

WORKER = """
    import os
    schedule = {"interval": "1s", "type": "worker"}
    async def task(ctx):
        with open(os.environ["SCHED_MARKS"], "a") as f:
            f.write(f"w {ctx.state['schedule']['tick']:.0f} {os.getpid()}\\n")
"""
ALL = """
    import os
    schedule = {"interval": "1s", "type": "all"}
    async def task(ctx):
        with open(os.environ["SCHED_MARKS"], "a") as f:
            f.write(f"a {ctx.state['schedule']['tick']:.0f} {os.getpid()}\\n")
"""
SLOW = """
    import asyncio, os
    schedule = {"interval": "1s", "type": "worker"}
    async def task(ctx):
        tick = ctx.state['schedule']['tick']
        with open(os.environ["SCHED_MARKS"], "a") as f:
            f.write(f"start {tick:.0f} {os.getpid()}\\n")
        await asyncio.sleep(2.5)
        with open(os.environ["SCHED_MARKS"], "a") as f:
            f.write(f"end {tick:.0f} {os.getpid()}\\n")
"""


def _add(base: Path, **files: str) -> None:
    (base / "app" / "schedule").mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (base / "app" / "schedule" / f"{name}.py").write_text(textwrap.dedent(body))


def _marks(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def test_worker_once_per_tick_all_on_every_worker_and_nothing_after_stop(cluster, tmp_path):  # noqa: F811
    marks = tmp_path / "sched.txt"
    _add(cluster.base, w=WORKER, a=ALL)
    cluster.start(workers=2, SCHED_MARKS=str(marks))
    workers = set(cluster.workers())
    assert len(workers) == 2
    wait_until(lambda: len({t for k, t, _ in _marks(marks) if k == "w"}) >= 5, 30, "5 worker ticks")
    cluster.signal(signal.SIGTERM)
    assert cluster.wait_exit(30) == 0
    done = _marks(marks)
    time.sleep(1.5)
    assert _marks(marks) == done, "a schedule ran after stop"
    w = Counter(t for k, t, _ in done if k == "w")
    assert all(n == 1 for n in w.values()), f"a type-worker tick ran twice: {w}"
    ticks = sorted(int(t) for t in w)
    assert ticks == list(range(ticks[0], ticks[0] + len(ticks))), f"a tick was lost: {ticks}"
    assert {int(p) for k, _, p in done if k == "w"} <= workers
    a = defaultdict(set)
    for k, t, p in done:
        if k == "a":
            a[int(t)].add(int(p))
    # every tick but possibly the last one (cut by the stop) ran on both workers
    full = [t for t in sorted(a)[:-1]]
    assert len(full) >= 3 and all(a[t] == workers for t in full), dict(a)
    log = cluster.tmp.rglob("eggfast-schedule.log")
    text = "".join(p.read_text() for p in log) if log else ""
    assert "w execute succeed, used" in text


def test_worker_killed_mid_run_next_tick_runs_exactly_once(cluster, tmp_path):  # noqa: F811
    marks = tmp_path / "sched.txt"
    _add(cluster.base, slow=SLOW)
    cluster.start(workers=2, SCHED_MARKS=str(marks))
    first = wait_until(lambda: [m for m in _marks(marks) if m[0] == "start"], 30, "a first run")[0]
    victim, killed_tick = int(first[2]), int(first[1])
    os.kill(victim, signal.SIGKILL)
    killed_at = time.time()
    # the next runs start elsewhere, one per started tick
    wait_until(lambda: len([m for m in _marks(marks) if m[0] == "start"]) >= 3, 30, "runs after the kill")
    cluster.signal(signal.SIGTERM)
    cluster.wait_exit(30)
    done = _marks(marks)
    starts = [m for m in done if m[0] == "start"]
    assert Counter(m[1] for m in starts).most_common(1)[0][1] == 1, f"a tick ran twice: {starts}"
    assert ["end", str(killed_tick), str(victim)] not in done
    later = [m for m in starts if int(m[1]) > killed_tick]
    assert later and all(int(m[2]) != victim for m in later)
    # a run is never started while the previous one (2.5 s) is in flight: starts are >= 3 ticks apart,
    # except right after the kill
    ticks = [int(m[1]) for m in later]
    assert all(b - a >= 3 for a, b in zip(ticks[1:], ticks[2:])), ticks
    assert int(later[0][1]) <= killed_at + 5
    log = "".join(p.read_text() for p in cluster.tmp.rglob("eggfast-schedule.log"))
    assert "died during its run" in log or "sending the tick elsewhere" in log


def test_agent_killed_schedules_resume_with_the_new_agent(cluster, tmp_path):  # noqa: F811
    marks = tmp_path / "sched.txt"
    _add(cluster.base, w=WORKER)
    cluster.start(workers=2, SCHED_MARKS=str(marks))
    wait_until(lambda: len(_marks(marks)) >= 2, 30, "first ticks")
    agent = cluster.agent()
    assert agent is not None
    os.kill(agent, signal.SIGKILL)
    killed = time.time()
    wait_until(lambda: cluster.agent() not in (None, agent), 30, "a new agent")
    wait_until(lambda: any(int(t) > killed + 1 for k, t, _ in _marks(marks)), 30, "ticks from the new agent")
    wait_until(lambda: len([1 for k, t, _ in _marks(marks) if int(t) > killed]) >= 3, 30, "3 ticks after restart")
    cluster.signal(signal.SIGTERM)
    cluster.wait_exit(30)
    w = Counter(t for k, t, _ in _marks(marks) if k == "w")
    assert all(n == 1 for n in w.values()), f"a tick ran twice: {w}"


def test_bad_schedule_file_stops_eggfast_start_naming_the_file(cluster):  # noqa: F811
    _add(cluster.base, broken="schedule = {'cron': '61 * * * *'}\nasync def task(ctx): pass\n")
    cluster.start(workers=1, wait=False)
    code = cluster.wait_exit(60)
    assert code != 0
    out = cluster.output()
    assert "broken.py" in out and "bad cron" in out, out
