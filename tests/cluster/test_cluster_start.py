"""`eggfast start` / `eggfast stop`: agent then workers on one port, egg-ready, messenger, failures at start."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from cluster_helpers import alive, get, wait_until


def test_start_serves_with_workers_and_agent_then_stop(cluster):
    cluster.start(workers=2)
    workers = cluster.workers()
    assert len(workers) == 2 and cluster.agent() is not None
    seen = set()
    for _ in range(40):
        status, _, body = get(cluster.port, "/")
        assert status == 200
        seen.add(int(body.split()[1]))
    assert seen <= set(workers)
    # egg-ready reached every worker and the agent (after its server_did_ready)
    for _ in range(10):
        assert ["egg-ready"] == [e[0] for e in json.loads(get(cluster.port, "/events")[2])["events"]][:1]
    marks = wait_until(lambda: cluster.marks.exists() and cluster.marks.read_text(), 5, "agent marks")
    assert marks.index("agent server_did_ready") < marks.index("agent egg-ready")
    # ping → agent → pong to every app worker (the sender included)
    assert get(cluster.port, "/ping")[0] == 200

    def every_worker_got_pong() -> bool:
        pids = set()
        for _ in range(20):
            data = json.loads(get(cluster.port, "/events")[2])
            if any(e[0] == "pong" for e in data["events"]):
                pids.add(data["pid"])
        return pids == set(workers)

    wait_until(every_worker_got_pong, 10, "pong on every worker")
    # a message over the size limit fails in the sender with a clear error; the cluster keeps serving
    status, _, body = get(cluster.port, "/big")
    assert body.startswith("messenger: message 'big' is 2,097,") and body.endswith(
        "bytes encoded; the limit is 1,048,576 (config.cluster.ipc_max_bytes)")
    # a broadcast and a message to a pid that does not exist do not hurt the master
    assert get(cluster.port, "/hello-all")[0] == 200
    assert get(cluster.port, "/")[0] == 200
    [pidfile] = (cluster.base / "run").glob("eggfast-server-*.pid")
    assert pidfile.read_text().strip() == str(cluster.pid)
    stop = subprocess.run([sys.executable, "-m", "eggfast", "stop", "--base-dir", str(cluster.base)],
                          capture_output=True, text=True, timeout=60, env=cluster.env())
    assert stop.returncode == 0, stop.stderr
    assert f"master {cluster.pid} stopped" in stop.stdout
    assert cluster.wait_exit(10) == 0
    lines = cluster.marks.read_text().splitlines()
    closes = [line.split()[0] for line in lines if "before_close" in line]
    assert closes == ["app", "app", "agent"], lines
    assert not pidfile.exists()
    for pid in cluster.seen:
        assert not alive(pid)


def test_eaddrinuse_exits_1_at_once(cluster):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", cluster.port))
        busy.listen()
        cluster.start(workers=2, wait=False)
        assert cluster.wait_exit(10) == 1
    out = cluster.output()
    assert f"cannot listen on 127.0.0.1:{cluster.port}: Address already in use" in out
    assert "agent" not in out.split("cannot listen")[1]


def test_restart_right_after_stop_binds(cluster):
    cluster.start(workers=1)
    # a connection left in TIME_WAIT on the server side
    assert get(cluster.port, "/")[0] == 200
    cluster.signal(signal.SIGTERM)
    assert cluster.wait_exit(15) == 0
    cluster.start(workers=1)
    assert get(cluster.port, "/")[0] == 200


def test_agent_boot_failure_exits_1_and_no_worker_starts(cluster):
    cluster.start(workers=2, wait=False, CLUSTER_AGENT_FAIL="1")
    assert cluster.wait_exit(30) == 1
    out = cluster.output()
    assert "the agent failed to start:" in out and "RuntimeError: agent boot exploded" in out
    assert "app worker" not in out


def test_worker_boot_failure_exits_1_with_its_error_line(cluster):
    cluster.start(workers=2, wait=False, CLUSTER_APP_FAIL="1")
    assert cluster.wait_exit(30) == 1
    out = cluster.output()
    assert "failed to start:" in out and "app boot exploded" in out
    assert "start failed: stopping" in out


def test_worker_start_timeout(cluster):
    cluster.start(workers=1, wait=False, config={"cluster": {"worker_start_timeout": 1}},
                  CLUSTER_SLOW_BOOT="5")
    assert cluster.wait_exit(30) == 1
    assert "did not start within 1s (cluster.worker_start_timeout)" in cluster.output()


def test_daemon_start_and_stop(cluster, tmp_path):
    env = cluster.env()
    argv = [sys.executable, "-m", "eggfast", "start", "--base-dir", str(cluster.base), "--port", str(cluster.port),
            "--workers", "1", "--daemon", "--title", "t1", "--timeout", "60"]
    started = subprocess.run(argv, capture_output=True, text=True, timeout=90, env=env)
    assert started.returncode == 0, started.stdout + started.stderr
    assert f"serves on port {cluster.port}" in started.stdout
    pid = int((cluster.base / "run" / "t1.pid").read_text())
    cluster.seen.add(pid)
    try:
        assert get(cluster.port, "/")[0] == 200
        assert (cluster.base / "logs" / "master-stdout.log").exists()
        stop = subprocess.run([sys.executable, "-m", "eggfast", "stop", "--base-dir", str(cluster.base),
                               "--title", "t1"], capture_output=True, text=True, timeout=60, env=env)
        assert stop.returncode == 0, stop.stderr
        assert not alive(pid)
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_daemon_start_failure_is_one_line_and_exit_1(cluster):
    argv = [sys.executable, "-m", "eggfast", "start", "--base-dir", str(cluster.base), "--port", str(cluster.port),
            "--workers", "1", "--daemon", "--title", "t2", "--timeout", "60"]
    env = cluster.env(CLUSTER_APP_FAIL="1")
    started = subprocess.run(argv, capture_output=True, text=True, timeout=90, env=env)
    assert started.returncode == 1
    assert "t2 failed to start:" in started.stderr


def test_stop_without_a_master_says_so(cluster):
    stop = subprocess.run([sys.executable, "-m", "eggfast", "stop", "--base-dir", str(cluster.base)],
                          capture_output=True, text=True, timeout=30)
    assert stop.returncode == 1 and "no running master" in stop.stderr
