"""Life of a cluster: uncaught errors, kills, refork limit, hung workers, agent death, master death, recycling."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time

from cluster_helpers import alive, get, wait_until


def test_uncaught_error_drains_and_is_replaced_at_once(cluster):
    cluster.start(workers=1)
    [old] = cluster.workers()
    results = {}

    def slow() -> None:
        results["slow"] = get(cluster.port, "/slow?s=1.5")

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    status, _, body = get(cluster.port, "/crash")
    assert status == 200 and body == f"crashing {old}"
    cluster.wait_output(f"app worker #1 {old} is leaving (uncaught RuntimeError: boom); forking its replacement")
    thread.join(10)
    status, headers, body = results["slow"]
    assert status == 200 and body == f"slow done {old}" and headers["connection"] == "close"
    new = wait_until(lambda: [p for p in cluster.workers() if p != old], 15, "the replacement")
    wait_until(lambda: not alive(old), 10, "the old worker's exit")
    assert get(cluster.port, "/")[2] == f"pid {new[0]}"


def test_sigkilled_worker_is_replaced_and_logged(cluster):
    cluster.start(workers=2)
    victim = cluster.workers()[0]
    os.kill(victim, signal.SIGKILL)
    cluster.wait_output(f"{victim} died: killed by SIGKILL (perhaps out of memory)")
    wait_until(lambda: len(cluster.workers()) == 2 and victim not in cluster.workers(), 15, "a replacement")
    cluster.wait_output(" ready", count=1)
    for _ in range(10):
        assert get(cluster.port, "/")[0] == 200


def test_refork_limit_stops_reforking_and_says_why(cluster):
    cluster.start(workers=1, wait=False, config={"cluster": {"refork_limit": 3, "refork_window": 60}},
                  CLUSTER_DIE_AFTER_READY="1")
    assert cluster.wait_exit(60) == 1
    out = cluster.output()
    assert "refork limit reached: 3 processes forked in the last 60s (cluster.refork_limit 3)" in out
    assert "no app worker left: exiting 1" in out
    assert out.count("died: exited with code 3") == 4


def test_hung_worker_is_replaced_after_worker_timeout(cluster):
    cluster.start(workers=1, config={"cluster": {"worker_timeout": 1}})
    [old] = cluster.workers()
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
    conn.request("GET", "/block?s=60")
    cluster.wait_output(f"app worker #1 {old} sent no heartbeat for", 10)
    assert "(cluster.worker_timeout 1s): its event loop is blocked; killing it" in cluster.output()
    conn.close()
    wait_until(lambda: cluster.workers() and old not in cluster.workers(), 15, "a replacement")
    wait_until(lambda: _ok(cluster.port), 15, "serving again")


def _ok(port: int) -> bool:
    try:
        return get(port, "/", timeout=2)[0] == 200
    except OSError:
        return False


def test_agent_death_new_agent_after_1s_and_workers_told(cluster):
    cluster.start(workers=1)
    old = cluster.agent()
    os.kill(old, signal.SIGKILL)
    cluster.wait_output(f"agent {old} died: killed by SIGKILL (perhaps out of memory)")
    cluster.wait_output("starting a new agent in 1s")
    new = wait_until(lambda: (a := cluster.agent()) and a != old and a, 15, "a new agent")
    cluster.wait_output(f"new agent {new} ready", 15)
    events = [e[0] for e in json.loads(get(cluster.port, "/events")[2])["events"]]
    assert "agent-exit" in events and "agent-start" in events
    # the new agent answers messages
    get(cluster.port, "/ping")
    wait_until(lambda: any(e[0] == "pong" and e[1]["agent"] == new
                           for e in json.loads(get(cluster.port, "/events")[2])["events"]), 10, "pong")


def test_master_sigkill_children_exit_within_5s_and_port_is_freed(cluster):
    cluster.start(workers=2)
    kids = cluster.children()
    assert len(kids) == 3
    os.kill(cluster.pid, signal.SIGKILL)
    cluster.wait_exit(5)
    wait_until(lambda: not any(alive(p) for p in kids), 5.5, "every child's exit")

    def refused() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", cluster.port)) != 0

    wait_until(refused, 2, "the port to be free")


def test_max_requests_recycles_gracefully(cluster):
    cluster.start(workers=1, config={"cluster": {"max_requests": 3, "max_requests_jitter": 0}})
    [old] = cluster.workers()
    for _ in range(3):
        assert get(cluster.port, "/")[2] == f"pid {old}"
    cluster.wait_output(f"{old} is leaving (served max_requests (3))")
    wait_until(lambda: cluster.workers() and old not in cluster.workers(), 15, "a replacement")
    wait_until(lambda: _ok(cluster.port), 15, "serving again")


def test_orphans_of_workers_are_reaped(cluster):
    cluster.start(workers=1)
    grandchild = int(get(cluster.port, "/orphan")[2])
    # its parent (sh) exited: the master adopted it (subreaper, as PID 1 would) and reaps it, no zombie
    wait_until(lambda: not os.path.exists(f"/proc/{grandchild}"), 5, "the orphan to be reaped")
