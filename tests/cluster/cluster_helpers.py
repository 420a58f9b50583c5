"""Real clusters for the tests: `eggfast start` in a subprocess, on a free port, stopped by pid.

Every wait is bounded; at teardown every process the test started (the
master and every descendant seen) is SIGKILLed by pid.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "apps" / "cluster-app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != b"Z":
            out.append(int(entry))
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def wait_until(predicate: Any, timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def get(port: int, path: str = "/", timeout: float = 10.0) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read().decode()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


class Cluster:
    """One `eggfast start` run."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.base = tmp / "app"
        shutil.copytree(FIXTURE, self.base)
        self.port = free_port()
        self.out = tmp / "stdout.log"
        self.err = tmp / "stderr.log"
        self.marks = tmp / "marks.txt"
        self.proc: Optional[subprocess.Popen] = None
        self.seen: set[int] = set()

    def env(self, config: Optional[dict] = None, **extra: str) -> dict:
        env = dict(os.environ)
        env.pop("EGG_SERVER_ENV", None)
        env.update(HOME=str(self.tmp), CLUSTER_MARK_FILE=str(self.marks),
                   CLUSTER_APP_CONFIG=json.dumps(config or {}), PYTHONUNBUFFERED="1")
        env.update(extra)
        return env

    def start(self, workers: int = 2, config: Optional[dict] = None, wait: bool = True,
              args: tuple = (), **extra: str) -> "Cluster":
        argv = [sys.executable, "-m", "eggfast", "start", "--base-dir", str(self.base),
                "--port", str(self.port), "--workers", str(workers), *args]
        self.proc = subprocess.Popen(argv, stdout=open(self.out, "wb"), stderr=open(self.err, "wb"),
                                     env=self.env(config, **extra), cwd=str(self.tmp))
        if wait:
            self.wait_output("started on", 30)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def output(self) -> str:
        return self.out.read_text(errors="replace") + self.err.read_text(errors="replace")

    def wait_output(self, text: str, timeout: float = 15, count: int = 1) -> str:
        def found() -> bool:
            if self.proc is not None and self.proc.poll() is not None and self.output().count(text) < count:
                raise AssertionError(f"master exited {self.proc.returncode} before {text!r}:\n{self.output()}")
            return self.output().count(text) >= count

        try:
            wait_until(found, timeout, repr(text))
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- output ---\n{self.output()}") from None
        return self.output()

    def children(self) -> list[int]:
        kids = children_of(self.pid)
        self.seen.update(kids)
        return kids

    def workers(self) -> list[int]:
        """Live app worker pids (children running eggfast.cluster.worker)."""
        out = []
        for pid in self.children():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"eggfast.cluster.worker" in cmd:
                out.append(pid)
        return sorted(out)

    def agent(self) -> Optional[int]:
        for pid in self.children():
            try:
                if b"eggfast.cluster.agent_worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        return None

    def signal(self, sig: int) -> None:
        self.children()
        os.kill(self.pid, sig)

    def wait_exit(self, timeout: float) -> int:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"master still running after {timeout}s:\n{self.output()}") from None

    def kill_all(self) -> None:
        pids = set(self.seen)
        if self.proc is not None:
            pids.update(children_of(self.proc.pid))
            if self.proc.poll() is None:
                pids.add(self.proc.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def cluster(tmp_path: Path):
    made = Cluster(tmp_path)
    try:
        yield made
    finally:
        made.kill_all()
