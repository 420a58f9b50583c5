"""Signals: SIGTERM/SIGINT drain, stragglers, quick second SIGINT, SIGHUP reload under load, TTIN/TTOU, health."""
from __future__ import annotations

import http.client
import signal
import threading
import time

from cluster_helpers import alive, get, wait_until

HEALTH = {"health": {"readiness_path": "/__ready", "liveness_path": "/__live"}}


def test_sigterm_drains_in_flight_then_before_close_apps_then_agent(cluster):
    cluster.start(workers=2)
    results = []
    threads = [threading.Thread(target=lambda: results.append(get(cluster.port, "/slow?s=2"))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    cluster.signal(signal.SIGTERM)
    for t in threads:
        t.join(15)
    assert [r[0] for r in results] == [200] * 4
    assert all(r[1]["connection"] == "close" for r in results)
    assert cluster.wait_exit(15) == 0
    closes = [line.split()[0] for line in cluster.marks.read_text().splitlines() if "before_close" in line]
    assert closes == ["app", "app", "agent"]
    for pid in cluster.seen:
        assert not alive(pid)


def test_stragglers_are_killed_after_kill_timeout(cluster):
    cluster.start(workers=1, config={"cluster": {"kill_timeout": 1}})
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=20)
    conn.request("GET", "/block?s=8")
    time.sleep(0.3)
    cluster.signal(signal.SIGINT)
    assert cluster.wait_exit(10) == 0
    assert "did not exit within 1s: killing" in cluster.output()
    conn.close()


def test_second_sigint_is_a_quick_shutdown(cluster):
    cluster.start(workers=1, config={"cluster": {"kill_timeout": 20}})
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=20)
    conn.request("GET", "/slow?s=15")
    time.sleep(0.3)
    cluster.signal(signal.SIGINT)
    time.sleep(0.3)
    cluster.signal(signal.SIGINT)
    assert cluster.wait_exit(5) == 1
    assert "SIGINT again: quick shutdown" in cluster.output()
    conn.close()
    wait_until(lambda: not any(alive(p) for p in cluster.seen), 5, "every child's exit")


def test_sighup_rolling_reload_under_load_fails_no_request(cluster):
    cluster.start(workers=2)
    old = cluster.workers()
    stop = threading.Event()
    counts = {"ok": 0, "failed": []}
    lock = threading.Lock()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
        while not stop.is_set():
            try:
                conn.request("GET", "/")
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
                if resp.getheader("connection") == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
            except Exception as exc:  # counted, not raised
                ok = False
                with lock:
                    counts["failed"].append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
                continue
            with lock:
                counts["ok" if ok else "failed"] += 1 if ok else 0
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        for round_ in range(2):
            cluster.signal(signal.SIGHUP)
            cluster.wait_output("reload: new app workers", 30, count=round_ + 1)
            time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(15)
    new = wait_until(lambda: (w := cluster.workers()) and len(w) == 2 and not set(w) & set(old) and w, 20,
                     "old workers gone")
    assert len(new) == 2
    assert counts["failed"] == [] and counts["ok"] > 50, counts


def test_sigttin_sigttou_one_worker_more_or_fewer(cluster):
    cluster.start(workers=1)
    cluster.signal(signal.SIGTTIN)
    wait_until(lambda: len(cluster.workers()) == 2, 15, "two workers")
    cluster.wait_output("app worker #2", 15)
    cluster.signal(signal.SIGTTOU)
    wait_until(lambda: len(cluster.workers()) == 1, 15, "one worker")
    cluster.signal(signal.SIGTTOU)
    cluster.wait_output("SIGTTOU ignored: one app worker is the minimum")
    assert get(cluster.port, "/")[0] == 200


def _readiness_turns_false_on_drain(cluster, workers: int) -> None:
    assert get(cluster.port, "/__live") == (200, get(cluster.port, "/__live")[1], "ok")
    conn = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=10)
    conn.request("GET", "/__ready")
    resp = conn.getresponse()
    assert (resp.status, resp.read()) == (200, b"ok")
    slow = threading.Thread(target=lambda: get(cluster.port, "/slow?s=2"))
    slow.start()
    time.sleep(0.3)
    cluster.signal(signal.SIGTERM)
    time.sleep(0.4)
    conn.request("GET", "/__ready")  # the kept-alive connection, within the drain's idle grace
    resp = conn.getresponse()
    assert (resp.status, resp.read()) == (503, b"draining")
    assert resp.getheader("connection") == "close"
    conn.close()
    slow.join(10)
    assert cluster.wait_exit(15) == 0


def test_health_answers_and_readiness_false_once_draining(cluster):
    cluster.start(workers=1, config=HEALTH)
    _readiness_turns_false_on_drain(cluster, 1)


def test_single_process_mode_same_signals_drain_and_health(cluster):
    cluster.start(workers=0, wait=False, config=HEALTH)
    cluster.wait_output("started on", 30)
    assert cluster.children() == []
    _readiness_turns_false_on_drain(cluster, 0)
    lines = cluster.marks.read_text().splitlines()
    assert [line.split()[0] for line in lines if "before_close" in line] == ["app", "agent"]
