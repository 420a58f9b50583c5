"""Measure (issue 14): cluster-client publish → every worker latency, and leader fail-over time.

The registry example (examples/registry) under ``eggfast start --workers 2`` against a
redis-server started here (needs redis-server on PATH).

    .venv/bin/python bench/cluster_client_latency.py [ROUNDS]

Latency: a value written to Redis (SADD + PUBLISH) by this script, until both workers'
listeners ran (they append ``pid time addresses`` to a file).  Fail-over: SIGKILL of the
leader (the agent) until both workers got a value published after the kill (one every 20 ms).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat", "rb").read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry))
    return out


def received(marks: Path) -> dict[str, dict[int, float]]:
    """address -> {pid: first time seen}"""
    out: dict[str, dict[int, float]] = {}
    for line in marks.read_text().splitlines() if marks.exists() else []:
        pid, t, addrs = line.split(" ", 2)
        for a in addrs.split(","):
            out.setdefault(a, {}).setdefault(int(pid), float(t))
    return out


def main() -> None:
    import redis

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    tmp = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    rport = free_port()
    rproc = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no"], stdout=subprocess.DEVNULL, cwd=str(tmp))
    base = tmp / "registry"
    shutil.copytree(ROOT / "examples" / "registry", base)
    marks = tmp / "marks.txt"
    port = free_port()
    env = dict(os.environ, HOME=str(tmp), REGISTRY_REDIS_PORT=str(rport), REGISTRY_MARKS=str(marks))
    out = open(tmp / "out.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "start", "--base-dir", str(base), "--port", str(port),
                             "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=str(tmp))
    kids: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while b"started on" not in (tmp / "out.log").read_bytes():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("cluster did not start:\n" + (tmp / "out.log").read_text())
            time.sleep(0.1)
        kids.update(children(proc.pid))
        workers = [p for p in kids if b"eggfast.cluster.worker" in Path(f"/proc/{p}/cmdline").read_bytes()]
        agent = next(p for p in kids if b"agent_worker" in Path(f"/proc/{p}/cmdline").read_bytes())
        r = redis.Redis(port=rport)
        key = "eggfast:registry:demo"
        time.sleep(1.0)
        lat = []
        for n in range(rounds):
            addr = f"lat-{n}"
            t0 = time.time()
            r.sadd(key, addr)
            r.publish(key, addr)
            deadline = time.monotonic() + 10
            while True:
                got = received(marks).get(addr, {})
                if set(got) >= set(workers):
                    lat.append(max(got[w] for w in workers) - t0)
                    break
                if time.monotonic() > deadline:
                    raise SystemExit(f"{addr} not received by both workers")
                time.sleep(0.002)
        lat.sort()
        print(f"publish -> both workers, {rounds} rounds: median {statistics.median(lat) * 1000:.2f} ms, "
              f"p90 {lat[int(len(lat) * 0.9) - 1] * 1000:.2f} ms, max {lat[-1] * 1000:.2f} ms")
        killed = time.time()
        os.kill(agent, signal.SIGKILL)
        n = 0
        deadline = time.monotonic() + 30
        done = None
        while done is None and time.monotonic() < deadline:
            addr = f"fo-{n}"
            n += 1
            t = time.time()
            r.sadd(key, addr)
            r.publish(key, addr)
            time.sleep(0.02)
            for a, got in received(marks).items():
                if a.startswith("fo-") and set(got) >= set(workers):
                    done = max(got[w] for w in workers)
                    break
        if done is None:
            raise SystemExit("no fail-over within 30 s")
        print(f"leader (agent) SIGKILL -> both workers receive a new value: {(done - killed) * 1000:.0f} ms")
        r.close()
    finally:
        kids.update(children(proc.pid))
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        for pid in kids | {proc.pid}:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        rproc.terminate()
        rproc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
