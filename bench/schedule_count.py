"""Measure (issue 14): a 1 s ``type: worker`` and a 1 s ``type: all`` schedule under
``eggfast start --workers 2`` for DURATION seconds; count runs, pids per tick, runs after stop.

    .venv/bin/python bench/schedule_count.py [DURATION]
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "apps" / "cluster-app"
TASK = '''import os
schedule = {{"interval": "1s", "type": "{kind}"}}
async def task(ctx):
    with open(os.environ["SCHED_MARKS"], "a") as f:
        f.write(f"{kind} {{ctx.state['schedule']['tick']:.0f}} {{os.getpid()}}\\n")
'''


def main() -> None:
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
    tmp = Path(tempfile.mkdtemp(prefix="sched-bench-"))
    base = tmp / "app"
    shutil.copytree(FIXTURE, base)
    (base / "app" / "schedule").mkdir()
    for kind in ("worker", "all"):
        (base / "app" / "schedule" / f"{kind}.py").write_text(TASK.format(kind=kind))
    marks = tmp / "marks.txt"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, HOME=str(tmp), SCHED_MARKS=str(marks), CLUSTER_APP_CONFIG="{}")
    out = open(tmp / "out.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "start", "--base-dir", str(base), "--port", str(port),
                             "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(tmp))
    try:
        deadline = time.monotonic() + 60
        while b"started on" not in (tmp / "out.log").read_bytes():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("cluster did not start:\n" + (tmp / "out.log").read_text())
            time.sleep(0.1)
        # count from the first tick after start for exactly `duration` seconds of ticks
        time.sleep(duration + 1.5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    rows = [line.split() for line in marks.read_text().splitlines()]
    after = len(rows)
    time.sleep(3)
    after_stop = len(marks.read_text().splitlines()) - after
    runs = defaultdict(list)
    for kind, tick, pid in rows:
        runs[(kind, int(tick))].append(int(pid))
    w_ticks = sorted(t for k, t in runs if k == "worker")
    first = w_ticks[0]
    window = [t for t in w_ticks if first <= t < first + duration]
    w_pids = Counter(len(runs[("worker", t)]) for t in window)
    a_window = [t for t in sorted(t for k, t in runs if k == "all") if first <= t < first + duration]
    a_per_tick = Counter(len(set(runs[("all", t)])) for t in a_window)
    print(f"window: {duration:.0f} s of ticks from the first worker tick")
    print(f"type worker: {len(window)} runs in the window, runs per tick {dict(w_pids)}, "
          f"pids used {sorted(set(p for t in window for p in runs[('worker', t)]))}")
    print(f"type all: {sum(len(runs[('all', t)]) for t in a_window)} runs over {len(a_window)} ticks, "
          f"distinct pids per tick {dict(a_per_tick)}")
    print(f"runs written after the master exited: {after_stop}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
