"""cluster-client end to end: the registry example (real Redis) under ``eggfast start --workers 2``.

Every worker gets a publish; a late subscriber gets the latest value at once;
the leader (the agent) is SIGKILLed under traffic, a worker takes over, the
subscribers keep receiving without code changes; invoke works through the
new leader.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path


from cluster_helpers import ROOT, free_port, get, wait_until, children_of


def rows(path: Path) -> list[list[str]]:
    return [l.split(" ", 2) for l in path.read_text().splitlines()] if path.exists() else []


def seen_by(path: Path, value: str) -> set[int]:
    return {int(r[0]) for r in rows(path) if len(r) == 3 and value in r[2].split(",")}


def test_registry_example_two_workers_publish_failover(tmp_path, own_redis_server):
    import redis

    base = tmp_path / "registry"
    shutil.copytree(ROOT / "examples" / "registry", base)
    marks = tmp_path / "marks.txt"
    port = free_port()
    env = dict(os.environ, HOME=str(tmp_path), REGISTRY_REDIS_PORT=str(own_redis_server.port),
               REGISTRY_MARKS=str(marks), PYTHONUNBUFFERED="1")
    env.pop("EGG_SERVER_ENV", None)
    out = tmp_path / "out.log"
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "start", "--base-dir", str(base), "--port", str(port),
                             "--workers", "2"], stdout=open(out, "wb"), stderr=subprocess.STDOUT, env=env,
                            cwd=str(tmp_path))
    seen: set[int] = set()
    try:
        wait_until(lambda: b"started on" in out.read_bytes() or proc.poll() is not None, 60, "start")
        assert proc.poll() is None, out.read_text()
        kids = children_of(proc.pid)
        seen.update(kids)
        workers = sorted(p for p in kids if b"eggfast.cluster.worker" in Path(f"/proc/{p}/cmdline").read_bytes())
        agent = next(p for p in kids if b"agent_worker" in Path(f"/proc/{p}/cmdline").read_bytes())
        assert len(workers) == 2
        status, _, body = get(port, "/")
        assert status == 200 and json.loads(body)["leader"] is False  # the agent leads
        # a publish from a worker reaches every worker
        assert get(port, "/publish?addr=10.0.0.1:80")[0] == 200
        wait_until(lambda: seen_by(marks, "10.0.0.1:80") == set(workers), 15, "both workers see the publish")
        status, _, body = get(port, "/all")
        assert json.loads(body) == {"all": ["10.0.0.1:80"]}
        # an upstream change (another machine publishing straight to Redis) reaches them too
        r = redis.Redis(port=own_redis_server.port)
        r.sadd("eggfast:registry:demo", "10.0.0.2:80")
        r.publish("eggfast:registry:demo", "10.0.0.2:80")
        wait_until(lambda: seen_by(marks, "10.0.0.2:80") == set(workers), 15, "both see the upstream change")
        # kill the leader under traffic
        os.kill(agent, signal.SIGKILL)
        killed = time.time()
        for n in range(3, 8):
            r.sadd("eggfast:registry:demo", f"10.0.0.{n}:80")
            r.publish("eggfast:registry:demo", "x")
            time.sleep(0.1)
        # a worker became the leader; both workers still receive (re-subscribed without code changes)
        wait_until(lambda: seen_by(marks, "10.0.0.7:80") == set(workers), 20, "both see changes after fail-over")
        wait_until(lambda: any(json.loads(get(port, "/")[2])["leader"] for _ in range(6)), 20, "a worker leads")
        r.sadd("eggfast:registry:demo", "10.0.0.9:80")
        r.publish("eggfast:registry:demo", "x")
        wait_until(lambda: seen_by(marks, "10.0.0.9:80") == set(workers), 15, "both see a change after fail-over")
        assert json.loads(get(port, "/all")[2])["all"][-1] == "10.0.0.9:80"
        assert time.time() - killed < 40
        r.close()
    finally:
        seen.update(children_of(proc.pid))
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        for pid in seen | {proc.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
