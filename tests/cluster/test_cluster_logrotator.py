"""logrotator under ``eggfast start --workers 2``: size rotation (a real schedule) while every worker writes."""
from __future__ import annotations

import re
import signal
import textwrap
from collections import Counter

from cluster_helpers import cluster, wait_until  # noqa: F401

WRITER = """
    import asyncio, os
    schedule = {"type": "all", "immediate": True}
    async def task(ctx):
        for i in range(LINES):
            ctx.app.logger.info("writer %d line %d", os.getpid(), i)
            if i % 20 == 0:
                await asyncio.sleep(0.01)
        with open(os.environ["SCHED_MARKS"], "a") as f:
            f.write(f"done {os.getpid()}\\n")
"""
LINES = 3000


def test_size_rotation_under_writers_in_every_worker_loses_no_line(cluster, tmp_path):  # noqa: F811
    marks = tmp_path / "marks.txt"
    logs = tmp_path / "logs"
    (cluster.base / "app" / "schedule").mkdir(parents=True, exist_ok=True)
    (cluster.base / "app" / "schedule" / "writer.py").write_text(
        textwrap.dedent(WRITER).replace("LINES", str(LINES)))
    config = {"logger": {"dir": str(logs)},
              "logrotator": {"files_rotate_by_size": ["app-web.log"], "max_file_size": 60_000,
                             "max_files": 1000, "rotate_duration": 0.3}}
    cluster.base.joinpath("config", "config.default.py").write_text(
        cluster.base.joinpath("config", "config.default.py").read_text().replace(
            'out = {"keys"', 'out = {"name": "app", "keys"'))
    cluster.start(workers=2, config=config, SCHED_MARKS=str(marks))
    wait_until(lambda: marks.exists() and marks.read_text().count("done") >= 2, 60, "both writers done")
    wait_until(lambda: len(list(logs.glob("app-web.log.*"))) >= 2, 20, "rotations")
    cluster.signal(signal.SIGTERM)
    assert cluster.wait_exit(30) == 0
    seen = Counter()
    for path in logs.glob("app-web.log*"):
        for m in re.finditer(r"writer (\d+) line (\d+)", path.read_text()):
            seen[(int(m.group(1)), int(m.group(2)))] += 1
    pids = {pid for pid, _ in seen}
    assert len(pids) == 2
    for pid in pids:
        missing = [i for i in range(LINES) if seen[(pid, i)] != 1]
        assert not missing, f"pid {pid}: lines lost or doubled: {missing[:20]} ({len(missing)})"
    rotated = list(logs.glob("app-web.log.*"))
    assert len(rotated) >= 2, rotated
