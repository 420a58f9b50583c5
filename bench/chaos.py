"""Cluster chaos benchmark: signals and kills under load against ``eggfast start``, counted.

    .venv/bin/python bench/chaos.py                                  # the full run (issue 13), ~5 min
    .venv/bin/python bench/chaos.py --duration 20 --interval 5 --rounds 4 --round-duration 4   # ~2 min
    options: [--only reload,kill,term,perf] [--connections 32] [--out bench/RESULTS.md | --no-write]

Serves ``bench/e2e/chaos_app`` (``/`` answers at once, ``/sleep`` after 3 s;
copied to a temporary directory, so its pid file and logs stay out of the
tree) with ``eggfast start --workers 2`` on a free port of 127.0.0.1, and
drives ``/`` with ``wrk -t1 -c32 --timeout 10s`` plus a *probe* (a thread of
this script): 4 keep-alive connections and 2 that open a new connection for
every request (so requests also come through the accept queue), one request
each every 5 ms, every request timed and every failure recorded (when, which
connection, how), because wrk only counts.

* **reload** — SIGHUP to the master every ``--interval`` s during a
  ``--duration`` s wrk run.  Counts wrk's non-2xx and socket errors and the
  probe's failures; target 0.  Also: each reload completed, and every
  replaced worker exited 0.
* **kill** — ``kill -9`` of a random serving app worker (the master's
  children running ``eggfast.cluster.worker``, from /proc/<pid>/task/*/children,
  that the master has logged ready) every ``--interval`` s during a
  ``--duration`` s run.  The worker is first stopped (SIGSTOP: it accepts
  nothing more), the established connections each worker holds on the port
  are counted (/proc/<pid>/fd against /proc/net/tcp), then it is killed; target: failures ≤ the killed worker's connections (wrk's
  and the probe's apart, since the probe knows its own client ports).
  "Serving again" is measured from the client's side (the longest pause
  between two 2xx answers of the probe around the kill; when each probe
  connection the kill broke next got a 200) and as capacity (when the master
  logged the replacement worker ready); target: within 2 s.  One more kill
  with no load gives the replacement's time on an otherwise idle cluster.
* **term** — 4 requests to ``/sleep`` (3 s) are sent ``--duration``/2 s into a
  run, and 1 s later the master gets SIGTERM; the probe runs back to back (4
  keep-alive, 4 new-connection) so that it too has requests in flight.
  Counts the requests in flight at the SIGTERM that failed (target 0), the
  master's exit code (target 0) and how long it took.  Requests sent after
  the SIGTERM are counted apart: the workers no longer accept.  wrk is
  stopped (SIGINT) once the master has exited; it cannot tell in-flight
  requests from later ones, so its counts there are context only.
* **perf** — ``eggfast start --workers 1`` against ``--workers 0``
  (single-process mode), both pinned to CPU 1 (``taskset``), ``wrk -t1 -c64``
  pinned to CPU 0, ``--rounds`` rounds: the two one after the other for
  ``--round-duration`` s each (interleaved, order alternating), then both at
  once (two wrk, the servers sharing CPU 1: load from other jobs hits both
  alike); req/s side by side, the ratio per round and its median (target ≥
  0.95), the CPU per request of each server (the whole process tree), and
  the CPU the master and the agent used.

Every run is bounded in time; every process started is stopped by its pid
(the master's children too).  The report is the "Cluster chaos" section of
bench/RESULTS.md (replaced in place, or appended; nothing else in the file
is touched).
"""
from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "bench" / "e2e" / "chaos_app"
PY = str(ROOT / ".venv" / "bin" / "python")
TICKS = os.sysconf("SC_CLK_TCK")
SECTION = "## Cluster chaos"
SLEEP_SECONDS = 3.0
SLEEPERS = 4

# -- processes ----------------------------------------------------------------------------------

_started: list[subprocess.Popen] = []  # every process this script started, stopped by pid at the end
_seen_children: set[tuple[int, str]] = set()  # (pid, start time) of every master's child seen: SIGKILLed at the end


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> Optional[list[str]]:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].decode().split()
    except OSError:
        return None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def children_of(pid: int) -> list[int]:
    """Live children of ``pid``: /proc/<pid>/task/*/children (a few reads, not a scan of /proc)."""
    out: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for tid in tasks:
        try:
            out.update(int(x) for x in Path(f"/proc/{pid}/task/{tid}/children").read_text().split())
        except OSError:
            continue
    return sorted(c for c in out if (fields := _stat(c)) and fields[0] != "Z")


def cpu_seconds(pid: int) -> float:
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else 0.0


def stop_pid(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    try:
        proc.send_signal(sig)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def cleanup() -> None:
    for proc in reversed(_started):
        stop_pid(proc)
    for pid, started in list(_seen_children):
        fields = _stat(pid)
        if fields and fields[19] == started and fields[0] != "Z":  # still ours, not a recycled pid
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _seen_children.clear()


def established(port: int) -> dict[int, int]:
    """Socket inode -> the client's port, for every ESTABLISHED connection whose server side is ``port``."""
    out: dict[int, int] = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                out[int(f[9])] = int(f[2].rsplit(":", 1)[1], 16)
    return out


def held_connections(pid: int, port: int, conns: Optional[dict[int, int]] = None) -> list[int]:
    """The client ports of the connections on ``port`` that process ``pid`` holds (``conns``: a reading of
    :func:`established` to reuse)."""
    if conns is None:
        conns = established(port)
    held = []
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return held
    for fd in fds:
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inode = int(link[8:-1])
            if inode in conns:
                held.append(conns[inode])
    return held


class Cluster:
    """One ``eggfast start`` of a copy of the chaos app; output lines timestamped as they arrive."""

    def __init__(self, tmp: Path, workers: int, pin: Optional[str] = None, env: Optional[dict] = None) -> None:
        self.base = tmp / f"app-w{workers}-{os.urandom(3).hex()}"
        shutil.copytree(APP, self.base)
        self.port = free_port()
        self.lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        argv = [PY, "-m", "eggfast", "start", "--base-dir", str(self.base), "--port", str(self.port),
                "--workers", str(workers)]
        if pin is not None:
            argv = ["taskset", "-c", pin, *argv]
        full_env = dict(os.environ, HOME=str(tmp), PYTHONUNBUFFERED="1", **(env or {}))
        full_env.pop("EGG_SERVER_ENV", None)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=full_env,
                                     cwd=str(tmp))
        _started.append(self.proc)
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_line(r"started on http", time.monotonic(), 60)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            with self._lock:
                self.lines.append((time.monotonic(), raw.decode(errors="replace").rstrip("\n")))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def find(self, pattern: str, after: float) -> Optional[tuple[float, re.Match]]:
        rx = re.compile(pattern)
        with self._lock:
            lines = list(self.lines)
        for t, line in lines:
            if t >= after:
                m = rx.search(line)
                if m:
                    return t, m
        return None

    def find_all(self, pattern: str, after: float) -> list[tuple[float, re.Match]]:
        rx = re.compile(pattern)
        with self._lock:
            lines = list(self.lines)
        return [(t, m) for t, line in lines if t >= after and (m := rx.search(line))]

    def wait_line(self, pattern: str, after: float, timeout: float) -> Optional[tuple[float, re.Match]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.find(pattern, after)
            if got:
                return got
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader catch the last lines
                got = self.find(pattern, after)
                if got:
                    return got
                raise RuntimeError(f"eggfast start exited {self.proc.returncode} before /{pattern}/:\n"
                                   + self.output())
            time.sleep(0.02)
        if after < 0:
            return None
        raise RuntimeError(f"timed out after {timeout}s waiting for /{pattern}/:\n" + self.output())

    def output(self) -> str:
        with self._lock:
            return "\n".join(line for _, line in self.lines)

    def workers(self) -> list[int]:
        kids = children_of(self.pid)
        for pid in kids:
            fields = _stat(pid)
            if fields:
                _seen_children.add((pid, fields[19]))
        return sorted(pid for pid in kids if b"eggfast.cluster.worker" in _cmdline(pid))

    def ready_workers(self) -> list[int]:
        """The workers the master has reported serving (not one still starting)."""
        named: set[int] = set()
        rx = re.compile(r"started on http|app worker #\d+ \d+ ready|reload: new app workers")
        with self._lock:
            for _, line in self.lines:
                if rx.search(line):
                    named.update(int(x) for x in re.findall(r"\b\d+\b", line))
        return [pid for pid in self.workers() if pid in named]

    def stop(self, timeout: float = 40.0) -> Optional[int]:
        self.workers()
        stop_pid(self.proc, signal.SIGTERM, timeout)
        return self.proc.returncode


# -- load ------------------------------------------------------------------------------------------

@dataclass
class WrkResult:
    requests: int = 0
    rps: float = 0.0
    non2xx: int = 0
    connect: int = 0
    read: int = 0
    write: int = 0
    timeout: int = 0
    raw: str = ""

    @property
    def socket_errors(self) -> int:
        return self.connect + self.read + self.write + self.timeout

    @property
    def failures(self) -> int:
        return self.non2xx + self.socket_errors

    def errors_text(self) -> str:
        return f"{self.socket_errors} ({self.connect}/{self.read}/{self.write}/{self.timeout})"


def parse_wrk(out: str) -> WrkResult:
    res = WrkResult(raw=out)
    m = re.search(r"(\d+) requests in", out)
    res.requests = int(m.group(1)) if m else 0
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res.rps = float(m.group(1)) if m else 0.0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res.non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        res.connect, res.read, res.write, res.timeout = map(int, m.groups())
    return res


class Wrk:
    """``wrk`` in the background; ``result()`` waits (bounded) and parses its summary."""

    def __init__(self, port: int, duration: float, connections: int, path: str = "/",
                 pin: Optional[str] = None, timeout: str = "10s") -> None:
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration:g}s", f"--timeout", timeout,
                f"http://127.0.0.1:{port}{path}"]
        if pin is not None:
            argv = ["taskset", "-c", pin, *argv]
        self.duration = duration
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _started.append(self.proc)

    def interrupt(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # wrk stops and prints its summary

    def result(self) -> WrkResult:
        try:
            out, _ = self.proc.communicate(timeout=self.duration + 30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate(timeout=10)
        return parse_wrk(out)


@dataclass
class Failure:
    sent: float  # monotonic
    failed: float
    conn: int
    client_port: int
    kind: str
    how: str  # "kept-alive" (the connection had answered before), "new" (its first request) or "fresh" (one per request)


@dataclass
class Probe:
    """Connections sending one GET each every ``interval`` s (0: back to back); every request timed, every
    failure kept.  ``conns`` keep their connection alive, ``fresh`` open a new one for every request
    (``Connection: close``), so that requests also arrive through the accept queue."""

    port: int
    conns: int = 4
    fresh: int = 2
    interval: float = 0.005
    timeout: float = 10.0
    path: str = "/"
    ok: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: per connection: (sent, answered) of every 2xx, in order
    answered: list[list[tuple[float, float]]] = field(default_factory=list)
    #: per connection: the client port it uses now
    client_ports: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.ok + len(self.failures)

    def describe(self) -> str:
        pace = "back to back" if self.interval <= 0 else f"one request each every {self.interval * 1000:g} ms"
        return f"{self.conns} keep-alive and {self.fresh} new-connection-per-request connections, {pace}"

    def start(self) -> "Probe":
        n = self.conns + self.fresh
        self._stop = threading.Event()
        self.answered = [[] for _ in range(n)]
        self.client_ports = [0] * n
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.timeout + 5)

    async def _main(self) -> None:
        await asyncio.gather(*(self._conn(i, i >= self.conns) for i in range(self.conns + self.fresh)))

    async def _conn(self, i: int, fresh: bool) -> None:
        close = b"Connection: close\r\n" if fresh else b""
        request = f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n".encode() + close + b"\r\n"
        reader = writer = None
        how = "new"
        while not self._stop.is_set():
            sent = time.monotonic()
            kind = ""
            try:
                if writer is None:
                    stage = "connect"
                    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port),
                                                            self.timeout)
                    self.client_ports[i] = writer.get_extra_info("sockname")[1]
                    how = "fresh" if fresh else "new"
                stage = "write"
                writer.write(request)
                stage = "read"
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), self.timeout)
                status = int(head.split(b" ", 2)[1])
                lower = head.lower()
                m = re.search(rb"content-length:\s*(\d+)", lower)
                await asyncio.wait_for(reader.readexactly(int(m.group(1)) if m else 0), self.timeout)
                if 200 <= status < 300:
                    self.ok += 1
                    self.answered[i].append((sent, time.monotonic()))
                else:
                    kind = f"status {status}"
                if fresh or b"connection: close" in lower:
                    writer.close()
                    reader = writer = None
                else:
                    how = "kept-alive"
            except asyncio.IncompleteReadError as exc:
                kind = f"{stage}: EOF after {len(exc.partial)} bytes"
            except asyncio.TimeoutError:
                kind = f"{stage}: timeout"
            except OSError as exc:
                kind = f"{stage}: {type(exc).__name__}"
            if kind:
                self.failures.append(Failure(sent, time.monotonic(), i, self.client_ports[i], kind, how))
                if writer is not None:
                    writer.close()
                reader = writer = None
            await asyncio.sleep(max(0.0, self.interval - (time.monotonic() - sent)))
        if writer is not None:
            writer.close()


@dataclass
class Sleeper:
    """One GET of ``/sleep`` on its own connection, in a thread."""

    port: int
    sent: float = 0.0
    done: float = 0.0
    status: int = 0
    body: str = ""
    connection: str = ""
    error: str = ""
    client_port: int = 0

    def start(self) -> "Sleeper":
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SLEEP_SECONDS + 20)
        try:
            conn.connect()
            self.client_port = conn.sock.getsockname()[1]
            self.sent = time.monotonic()
            conn.request("GET", f"/sleep?s={SLEEP_SECONDS:g}")
            resp = conn.getresponse()
            self.body = resp.read().decode()
            self.status = resp.status
            self.connection = resp.getheader("connection") or ""
        except Exception as exc:  # counted, not raised
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.done = time.monotonic()
            conn.close()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body.startswith("slept")


def describe_failures(failures: list[Failure], t0: float, limit: int = 8) -> str:
    parts = [f"{f.failed - t0:.2f}s conn {f.conn} ({f.how}) {f.kind}"
             for f in failures[:limit]]
    if len(failures) > limit:
        parts.append(f"… {len(failures) - limit} more")
    return "; ".join(parts)


# -- scenarios ----------------------------------------------------------------------------------------

def schedule(duration: float, interval: float) -> list[float]:
    """Event times: every ``interval`` s, the last one at least ``interval``/2 s before the end."""
    times, t = [], interval
    while t <= duration - interval / 2 + 1e-9:
        times.append(t)
        t += interval
    return times


def sleep_until(t: float) -> None:
    delay = t - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def scenario_reload(tmp: Path, args: argparse.Namespace) -> dict:
    cluster = Cluster(tmp, 2)
    try:
        probe = Probe(cluster.port).start()
        time.sleep(0.3)
        wrk = Wrk(cluster.port, args.duration, args.connections)
        t0 = time.monotonic()
        reloads = []
        for at in schedule(args.duration, args.interval):
            sleep_until(t0 + at)
            before = cluster.workers()
            sent = time.monotonic()
            os.kill(cluster.pid, signal.SIGHUP)
            got = cluster.wait_line(r"reload: new app workers|reload aborted|SIGHUP ignored", sent,
                                    args.interval * 0.9)
            line = got[1].group(0) if got else "no answer"
            reloads.append({"at": sent - t0, "old": before, "took": (got[0] - sent) if got else None,
                            "outcome": line})
            print(f"  reload at {sent - t0:5.1f}s: {line} after {reloads[-1]['took'] or 0:.2f}s", flush=True)
        res = wrk.result()
        probe.stop()
        after = cluster.workers()
        time.sleep(2.0)  # the last old workers finish draining
        old = {pid for x in reloads for pid in x["old"]}
        exited0 = sum(1 for pid in old if cluster.find(rf"{pid} exited with code 0 \(reloaded\)", t0))
        code = cluster.stop()
    finally:
        cleanup()
    return {"wrk": res, "probe_ok": probe.ok, "probe_failures": probe.failures, "reloads": reloads,
            "t0": t0, "workers_after": after, "exit": code,
            "old": len(old), "old_exited0": exited0}


def scenario_kill(tmp: Path, args: argparse.Namespace) -> dict:
    cluster = Cluster(tmp, 2)
    rng = random.Random(args.seed)
    try:
        probe = Probe(cluster.port).start()
        time.sleep(0.3)
        wrk = Wrk(cluster.port, args.duration, args.connections)
        t0 = time.monotonic()
        kills = []
        for at in schedule(args.duration, args.interval):
            sleep_until(t0 + at)
            everyone = cluster.workers()
            workers = cluster.ready_workers()
            if not workers:
                print(f"  {at:g} s: no serving worker to kill; skipped", flush=True)
                continue
            victim = rng.choice(workers)
            # SIGSTOP first: a stopped worker accepts nothing more, so the connections counted below are
            # exactly those the SIGKILL takes with it (counted before a running worker's kill, a connection
            # it accepts in between would be missed)
            os.kill(victim, signal.SIGSTOP)
            stopped_at = time.monotonic()
            conns = established(cluster.port)
            by_worker = {pid: held_connections(pid, cluster.port, conns) for pid in everyone}
            spread = {pid: len(ports) for pid, ports in by_worker.items()}
            held = by_worker.get(victim) or held_connections(victim, cluster.port, conns)
            probe_ports = set(probe.client_ports)
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            kills.append({"at": killed_at - t0, "t": killed_at, "pid": victim, "held": len(held),
                          "stopped_ms": (killed_at - stopped_at) * 1000,
                          "probe_conns": [i for i, p in enumerate(probe.client_ports) if p in held],
                          "probe_held": len(probe_ports & set(held)), "workers": everyone,
                          "spread": spread})
        time.sleep(min(2.5, args.interval / 2))  # let the last replacement come up before wrk ends
        res = wrk.result()
        probe.stop()
        # every replacement up (bounded), then match each kill with the first worker ready after it that is new
        deadline = time.monotonic() + 30
        while (len(cluster.find_all(r"app worker #\d+ \d+ ready", t0)) < len(kills)
               and time.monotonic() < deadline and cluster.proc.poll() is None):
            time.sleep(0.05)
        readies = [(t, int(m.group(1))) for t, m in cluster.find_all(r"app worker #\d+ (\d+) ready", t0)]
        assigned: set[int] = set()
        for kill in kills:
            died = cluster.find(rf"{kill['pid']} died: ([^\n]*)", kill["t"] - 0.5)
            kill["died"] = died[1].group(1) if died else "?"
            ready = next(((t, pid) for t, pid in readies
                          if t >= kill["t"] and pid not in kill["workers"] and pid not in assigned), None)
            if ready:
                assigned.add(ready[1])
            kill["ready"] = (ready[0] - kill["t"]) if ready else None
            kill["new_pid"] = ready[1] if ready else None
            # the probe's failures caused by this kill: on a connection it held, within 1 s
            mine = [f for f in probe.failures
                    if f.conn in kill["probe_conns"] and kill["t"] <= f.failed <= kill["t"] + 1.0]
            kill["probe_failed"] = len(mine)
            back = []
            for conn in kill["probe_conns"]:
                nxt = [done for sent, done in probe.answered[conn] if sent >= kill["t"]]
                back.append((nxt[0] - kill["t"]) if nxt else None)
            kill["probe_back"] = max(back, default=None) if None not in back else None
            # the longest gap between two 2xx answers of the probe (all connections) around the kill
            answers = sorted(done for conn in probe.answered for _, done in conn
                             if kill["t"] - 1 <= done <= kill["t"] + 3)
            gaps = [(b - a, a - kill["t"]) for a, b in zip(answers, answers[1:])]
            kill["probe_gap"], kill["gap_from"] = max(gaps, default=(None, None))
        # the same with no load: how long a replacement takes on this machine when nothing else of ours runs
        time.sleep(1.0)
        victim = rng.choice(cluster.ready_workers())
        idle_t = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        got = cluster.wait_line(r"app worker #\d+ \d+ ready", idle_t, 30)
        idle_ready = got[0] - idle_t if got else None
        attributed = {id(f) for kill in kills for f in probe.failures
                      if f.conn in kill["probe_conns"] and kill["t"] <= f.failed <= kill["t"] + 1.0}
        code = cluster.stop()
    finally:
        cleanup()
    return {"wrk": res, "probe_ok": probe.ok, "probe_failures": probe.failures, "kills": kills, "t0": t0,
            "exit": code, "idle_ready": idle_ready, "unattributed": [f for f in probe.failures if id(f) not in attributed]}


def scenario_term(tmp: Path, args: argparse.Namespace) -> dict:
    cluster = Cluster(tmp, 2)
    try:
        probe = Probe(cluster.port, conns=4, fresh=4, interval=0.0).start()  # always requests in flight
        time.sleep(0.3)
        mid = args.duration / 2
        wrk = Wrk(cluster.port, mid + 60, args.connections)  # interrupted once the master has exited
        t0 = time.monotonic()
        sleep_until(t0 + max(0.5, mid - 1.0))
        sleepers = [Sleeper(cluster.port).start() for _ in range(SLEEPERS)]
        # SIGTERM once every sleeper's request is sent and held by a worker, 1 s into its 3 s
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all(s.sent for s in sleepers):
            time.sleep(0.01)
        last_sent = max((s.sent for s in sleepers if s.sent), default=time.monotonic())
        sleep_until(last_sent + 0.3)
        workers = cluster.workers()
        holders = {pid: held_connections(pid, cluster.port) for pid in workers}
        sleeper_ports = {s.client_port for s in sleepers}
        held_by = {pid: len(sleeper_ports & set(ports)) for pid, ports in holders.items()}
        sleep_until(last_sent + 1.0)
        term_at = time.monotonic()
        os.kill(cluster.pid, signal.SIGTERM)
        pending = [s for s in sleepers if s.sent and not s.done]  # in flight at the SIGTERM
        try:
            code = cluster.proc.wait(60)
        except subprocess.TimeoutExpired:
            code = None
        exited = time.monotonic()
        wrk.interrupt()
        for s in sleepers:
            s.join(SLEEP_SECONDS + 25)
        probe.stop()
        res = wrk.result()
        time.sleep(0.2)
    finally:
        cleanup()
    before = [f for f in probe.failures if f.failed < term_at]
    inflight = [f for f in probe.failures if f.sent <= term_at <= f.failed]
    ok_inflight = sum(1 for conn in probe.answered for sent, done in conn if sent <= term_at < done)
    after = [f for f in probe.failures if f.sent > term_at]
    ok_after = sum(1 for conn in probe.answered for sent, _ in conn if sent > term_at)
    kinds: dict[str, int] = {}
    for f in after:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return {"wrk": res, "t0": t0, "term_at": term_at - t0, "exit": code, "exit_after": exited - term_at,
            "sleepers": sleepers, "held_by": held_by, "term_t": term_at, "pending": pending,
            "term_after_sent": [term_at - s.sent for s in sleepers if s.sent],
            "probe_inflight_failed": inflight, "probe_before_failed": before, "probe_inflight_ok": ok_inflight,
            "probe_after_failed": len(after), "probe_after_ok": ok_after, "probe_after_kinds": kinds,
            "output": cluster.output()}


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its live children."""
    return cpu_seconds(pid) + sum(cpu_seconds(c) for c in children_of(pid))


def scenario_perf(tmp: Path, args: argparse.Namespace) -> dict:
    clustered = Cluster(tmp, 1, pin="1")
    single = Cluster(tmp, 0, pin="1")
    rounds = []
    try:
        master_pid = clustered.pid
        agent = [p for p in children_of(master_pid) if b"agent_worker" in _cmdline(p)]
        for server in (clustered, single):  # warm-up
            Wrk(server.port, 1, 64, pin="0").result()
        for r in range(args.rounds):
            order = [("cluster", clustered), ("single", single)]
            if r % 2:
                order.reverse()
            got: dict[str, Any] = {"order": "/".join(name for name, _ in order)}
            for name, server in order:
                before = (cpu_seconds(master_pid), sum(cpu_seconds(p) for p in agent), tree_cpu(server.pid))
                wall = time.monotonic()
                res = Wrk(server.port, args.round_duration, 64, pin="0").result()
                wall = time.monotonic() - wall
                used = tree_cpu(server.pid) - before[2]
                got[f"{name}_us"] = used / max(res.requests, 1) * 1e6
                got[f"{name}_share"] = used / wall  # of CPU 1: what the rest of the machine left it
                if name == "cluster":
                    got["master_cpu"] = cpu_seconds(master_pid) - before[0]
                    got["agent_cpu"] = sum(cpu_seconds(p) for p in agent) - before[1]
                got[name] = res
            got["ratio"] = got["cluster"].rps / got["single"].rps if got["single"].rps else 0.0
            # then both at once, for the same seconds: whatever else runs on the machine hits both alike
            # (the two servers share CPU 1, the two wrk CPU 0)
            both = (Wrk(clustered.port, args.round_duration, 64, pin="0"),
                    Wrk(single.port, args.round_duration, 64, pin="0"))
            got["together"] = (both[0].result(), both[1].result())
            got["together_ratio"] = (got["together"][0].rps / got["together"][1].rps
                                     if got["together"][1].rps else 0.0)
            rounds.append(got)
            print(f"  round {r + 1}: cluster {got['cluster'].rps:9,.0f}  single {got['single'].rps:9,.0f}  "
                  f"ratio {got['ratio']:.3f}  together {got['together_ratio']:.3f}  "
                  f"CPU/req {got['cluster_us']:.1f} vs {got['single_us']:.1f} us  "
                  f"master CPU {got['master_cpu']:.2f}s", flush=True)
        clustered.stop()
        single.stop()
    finally:
        cleanup()
    return {"rounds": rounds}


# -- report ------------------------------------------------------------------------------------------

def _sec(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _from(offset: Optional[float]) -> str:
    return "" if offset is None else f" (from {offset:+.2f} s)"


def twins() -> str:
    """"compiled" or "pure": what ``python -m eggfast info`` says the servers run."""
    try:
        out = subprocess.run([PY, "-m", "eggfast", "info"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return "compiled" if "EXTENSIONS = True" in out else "pure"


def report(args: argparse.Namespace, command: str, results: dict) -> tuple[list[str], list[str]]:
    """(markdown lines, one verdict line per target)."""
    lines = [SECTION, "",
             f"`{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs shared with "
             f"other jobs, {twins()} twins. `eggfast start --workers 2` serving `bench/e2e/chaos_app` (`/` plaintext, `/sleep` "
             f"{SLEEP_SECONDS:g} s); load on `/`: `wrk -t1 -c{args.connections} --timeout 10s` plus a Python probe: "
             f"{Probe(0).describe()} (in (c): back to back, 4 and 4), each failure recorded. Counts, not speeds: "
             "they do not depend on how busy the machine is. wrk's socket errors are given as total "
             "(connect/read/write/timeout).", ""]
    verdicts: list[str] = []
    if "reload" in results or "kill" in results or "term" in results:
        lines += ["| scenario | events | wrk requests | wrk non-2xx | wrk socket errors | probe requests | "
                  "probe failures | target | met |", "|---|---|---:|---:|---:|---:|---:|---|---|"]
    if "reload" in results:
        r = results["reload"]
        done = sum(1 for x in r["reloads"] if x["outcome"].startswith("reload: new"))
        fails = r["wrk"].failures + len(r["probe_failures"])
        met = fails == 0 and done == len(r["reloads"])
        lines.append(f"| (a) SIGHUP every {args.interval:g} s, {args.duration:g} s | {len(r['reloads'])} SIGHUP, "
                     f"{done} reloads done | {r['wrk'].requests:,} | {r['wrk'].non2xx} | {r['wrk'].errors_text()} | "
                     f"{r['probe_ok'] + len(r['probe_failures']):,} | {len(r['probe_failures'])} | 0 failed | "
                     f"{'yes' if met else '**no**'} |")
        verdicts.append(f"(a) SIGHUP: {'met' if met else 'NOT met'}: {r['wrk'].non2xx} non-2xx and "
                        f"{r['wrk'].socket_errors} socket errors in {r['wrk'].requests:,} wrk requests, "
                        f"{len(r['probe_failures'])} probe failures; {done} of {len(r['reloads'])} reloads completed")
    if "kill" in results:
        k = results["kill"]
        held = sum(x["held"] for x in k["kills"])
        probe_held = sum(x["probe_held"] for x in k["kills"])
        wrk_held = held - probe_held
        readies = [x["ready"] for x in k["kills"]]
        backs = [x["probe_back"] for x in k["kills"] if x["probe_conns"]]
        gaps = [x["probe_gap"] for x in k["kills"]]
        fail_ok = k["wrk"].failures <= wrk_held and len(k["probe_failures"]) <= probe_held
        port_ok = all(x is not None and x <= 2.0 for x in backs + gaps)
        ready_in_time = sum(1 for x in readies if x is not None and x <= 2.0)
        known = [x for x in readies if x is not None]
        lines.append(f"| (b) `kill -9` a worker every {args.interval:g} s, {args.duration:g} s | {len(k['kills'])} "
                     f"kills; the killed workers held {held} connections ({wrk_held} wrk, {probe_held} probe) | "
                     f"{k['wrk'].requests:,} | {k['wrk'].non2xx} | {k['wrk'].errors_text()} | "
                     f"{k['probe_ok'] + len(k['probe_failures']):,} | {len(k['probe_failures'])} | failures ≤ held "
                     f"connections; serving again ≤ 2 s | {'yes' if fail_ok else '**no**'}; "
                     f"{'yes' if port_ok else '**no**'} (replacement ready ≤ 2 s: {ready_in_time} of "
                     f"{len(readies)}) |")
        verdicts.append(f"(b) kill -9, failures: {'met' if fail_ok else 'NOT met'}: wrk {k['wrk'].failures} "
                        f"failures for {wrk_held} connections the killed workers held, probe "
                        f"{len(k['probe_failures'])} for {probe_held}")
        broken = (f"every broken probe connection (in {len(backs)} of the kills) was answered again within "
                  f"{_sec(max((b for b in backs if b is not None), default=None))}" if backs else
                  "no kill broke a probe connection")
        verdicts.append(f"(b) kill -9, serving again within 2 s: {'met' if port_ok else 'NOT met'} for the port: "
                        f"the longest pause between two answers of the probe around a kill was "
                        f"{_sec(max((g for g in gaps if g is not None), default=None))} and {broken} "
                        f"(the other worker serves throughout). The replacement worker (full capacity again) was "
                        f"ready after {_sec(min(known, default=None))} to {_sec(max(known, default=None))}: "
                        f"within 2 s after {ready_in_time} of {len(readies)} kills")
    if "term" in results:
        t = results["term"]
        sl = t["pending"]
        ok_sl = sum(1 for s in sl if s.ok)
        inflight = len(sl) + t["probe_inflight_ok"] + len(t["probe_inflight_failed"])
        failed = (len(sl) - ok_sl) + len(t["probe_inflight_failed"])
        met = failed == 0 and t["exit"] == 0
        lines.append(f"| (c) SIGTERM at {t['term_at']:.1f} s with {len(sl)} × `/sleep` ({SLEEP_SECONDS:g} s) in "
                     f"flight | master exit {t['exit']} after {t['exit_after']:.2f} s | {t['wrk'].requests:,} | "
                     f"{t['wrk'].non2xx} | {t['wrk'].errors_text()} | "
                     f"{inflight - len(sl)} in flight + {t['probe_after_ok'] + t['probe_after_failed']} after | "
                     f"{len(t['probe_inflight_failed'])} in flight, {t['probe_after_failed']} after | "
                     f"0 in-flight failed; exit 0 | {'yes' if met else '**no**'} |")
        verdicts.append(f"(c) SIGTERM: {'met' if met else 'NOT met'}: {failed} of {inflight} requests in flight "
                        f"failed ({ok_sl} of {len(sl)} `/sleep` answered 200), master exit code {t['exit']}, "
                        f"{t['exit_after']:.2f} s after the SIGTERM")
    if "reload" in results:
        r = results["reload"]
        lines += ["", f"(a) {r['old_exited0']} of the {r['old']} replaced workers exited 0 after draining. Reloads: " + ", ".join(
            f"{x['at']:.0f} s → {'done in ' + _sec(x['took']) if x['outcome'].startswith('reload: new') else x['outcome']}"
            for x in r["reloads"]) + "."]
        if r["probe_failures"]:
            lines.append(f"(a) probe failures: {describe_failures(r['probe_failures'], r['t0'])}.")
    if "kill" in results:
        k = results["kill"]
        lines += ["", "(b) each kill (the worker is SIGSTOPped first, so that it accepts nothing between the count and "
                  "the SIGKILL): the connections each worker held, those the killed one held (the probe's among "
                  "them), the probe's failures, "
                  "when each broken probe connection next got a 200, the longest gap between two 2xx answers of "
                  "the probe from 1 s before to 3 s after the kill (and when it began, relative to the kill), and "
                  "when the master logged the replacement ready.", "",
                  "| at | connections per worker | killed | stopped before the kill | held (probe) | probe failed | "
                  "probe answered again | longest probe gap | replacement ready | master's line |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for x in k["kills"]:
            lines.append(f"| {x['at']:.1f} s | {' / '.join(str(n) for n in x['spread'].values())} | {x['pid']} | "
                         f"{x['stopped_ms']:.0f} ms | "
                         f"{x['held']} ({x['probe_held']}) | {x['probe_failed']} | "
                         f"{_sec(x['probe_back'])} | {_sec(x['probe_gap'])}{_from(x['gap_from'])} | {_sec(x['ready'])} | "
                         f"{x['died']} |")
        if k["probe_failures"]:
            lines.append("")
            lines.append(f"(b) probe failures: {describe_failures(k['probe_failures'], k['t0'])}.")
        lopsided = sum(1 for x in k["kills"] if len(x["spread"]) > 1 and min(x["spread"].values()) == 0
                       and max(x["spread"].values()) > 0)
        if lopsided:
            lines += ["", f"(b) At {lopsided} of the {len(k['kills'])} kills one worker held every connection and "
                      "the other none: a keep-alive connection stays with the worker that accepted it, so after a "
                      "kill every reconnect lands on the survivor and the replacement only gets connections opened "
                      "later (the kernel gives the shared socket's queue to whichever worker accepts first)."]
        lines.append("")
        lines.append(f"(b) One more kill after the run, with no load: the replacement was ready after "
                     f"{_sec(k['idle_ready'])} (a worker is a fresh `python` that imports eggfast and loads the app).")
        if k["unattributed"]:
            lines.append(f"(b) probe failures on no connection a killed worker held: "
                         f"{describe_failures(k['unattributed'], k['t0'])}.")
    if "term" in results:
        t = results["term"]
        lines += ["", f"(c) the SIGTERM came {min(t['term_after_sent']):.2f}–{max(t['term_after_sent']):.2f} s after "
                  f"the `/sleep` requests were sent; {len(t['pending'])} of {len(t['sleepers'])} were in flight then. "
                  "Their answers: " + "; ".join(
            f"{s.status or s.error} {s.body!r} after {s.done - s.sent:.2f} s"
            + (f", Connection: {s.connection}" if s.connection else "") for s in t["sleepers"])
            + f". Held, 0.3 s after they were sent, by worker: "
            f"{', '.join(f'{pid}: {n}' for pid, n in t['held_by'].items())}. wrk cannot tell which "
            "of its requests were in flight at the SIGTERM and which were sent after it (its keep-alive "
            "connections, closed by the drain with `Connection: close`, reconnect and are reset or refused, then "
            "it loops on refused reconnects until it is stopped once the master has exited), so the in-flight "
            "count is the sleepers' and the probe's."]
        if t["probe_inflight_failed"]:
            lines.append(f"(c) in-flight probe failures: {describe_failures(t['probe_inflight_failed'], t['t0'])}.")
        if t["probe_before_failed"]:
            lines.append(f"(c) probe failures before the SIGTERM: {describe_failures(t['probe_before_failed'], t['t0'])}.")
        if t["probe_after_failed"]:
            lines.append("(c) probe requests sent after the SIGTERM that failed (expected: the workers no longer "
                         "accept; a new connection is queued until the master closes the socket, then reset, and "
                         "refused after that): " + ", ".join(f"{n} {kind}" for kind, n in t["probe_after_kinds"].items())
                         + ".")
    if "perf" in results:
        rounds = results["perf"]["rounds"]
        ratios = [r["ratio"] for r in rounds]
        med = statistics.median(ratios)
        together = [r["together_ratio"] for r in rounds]
        med_t = statistics.median(together)
        cpu_c = statistics.median(r["cluster_us"] for r in rounds)
        cpu_s = statistics.median(r["single_us"] for r in rounds)
        per_cpu = cpu_s / cpu_c
        lines += ["", f"**`--workers 1` vs `--workers 0`** (single process): both pinned to CPU 1, `wrk -t1 -c64` on "
                  f"CPU 0, {len(rounds)} rounds on `/`. Each round runs the two one after the other for "
                  f"{args.round_duration:g} s (order alternating: *interleaved*), then both at once for "
                  f"{args.round_duration:g} s (*together*: two wrk, the servers sharing CPU 1, so that whatever else "
                  "runs on the machine hits both alike). CPU µs/req is the CPU (user + system) of the whole server "
                  "(for the cluster: master, agent and worker) per request in the interleaved run, CPU share that "
                  "CPU over the run's wall time; the master's and the agent's own CPU during the cluster's runs "
                  "shows whether they are in the data path.", "",
                  "| round | order | `--workers 1` req/s | `--workers 0` req/s | ratio | together: req/s | ratio | "
                  "CPU µs/req `1` / `0` | CPU share `1` / `0` | master CPU s | agent CPU s |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for i, r in enumerate(rounds, 1):
            lines.append(f"| {i} | {r['order']} | {r['cluster'].rps:,.0f} | {r['single'].rps:,.0f} | "
                         f"{r['ratio']:.3f} | {r['together'][0].rps:,.0f} / {r['together'][1].rps:,.0f} | "
                         f"{r['together_ratio']:.3f} | {r['cluster_us']:.1f} / {r['single_us']:.1f} | "
                         f"{r['cluster_share']:.0%} / {r['single_share']:.0%} | {r['master_cpu']:.2f} | "
                         f"{r['agent_cpu']:.2f} |")
        lines.append(f"| median | | {statistics.median(r['cluster'].rps for r in rounds):,.0f} | "
                     f"{statistics.median(r['single'].rps for r in rounds):,.0f} | **{med:.3f}** | | **{med_t:.3f}** | "
                     f"{cpu_c:.1f} / {cpu_s:.1f} | | | |")
        starved = [i for i, r in enumerate(rounds, 1) if min(r["cluster_share"], r["single_share"]) < 0.8]
        if starved:
            lines += ["", f"In {len(starved)} of the {len(rounds)} interleaved rounds a server used less than 80 % "
                      "of CPU 1 (other jobs took the rest, or wrk on a shared CPU 0 could not keep it busy), so "
                      "those req/s measure the machine as much as the server; the together runs and the CPU per "
                      "request do not depend on that."]
        master = sum(r["master_cpu"] for r in rounds)
        all_met = med >= 0.95 and med_t >= 0.95 and per_cpu >= 0.95
        none_met = med < 0.95 and med_t < 0.95 and per_cpu < 0.95
        verdict = "met" if all_met else "NOT met" if none_met else "met side by side, NOT met interleaved"
        if not all_met and not none_met and med >= 0.95:
            verdict = "met interleaved, NOT met side by side"
        verdicts.append(f"--workers 1 vs single process (target ≥ 0.95): {verdict}: req/s ratio median "
                        f"{med:.3f} interleaved (per-round {min(ratios):.3f} to {max(ratios):.3f}), {med_t:.3f} "
                        f"together (per-round {min(together):.3f} to {max(together):.3f}); CPU per request "
                        f"{cpu_c:.1f} µs for the whole cluster vs {cpu_s:.1f} µs single-process (single ÷ cluster "
                        f"{per_cpu:.3f}); the master used {master:.2f} s of CPU in "
                        f"{sum(r['cluster'].requests for r in rounds):,} requests")
    lines += ["", "Targets:", ""] + [f"- {v}" for v in verdicts] + [""]
    return lines, verdicts


def write_section(path: Path, lines: list[str]) -> None:
    """Replace the "Cluster chaos" section in place (up to the next ``## `` heading), or append it."""
    text = path.read_text() if path.exists() else ""
    block = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find("\n" + SECTION + "\n")
    if start < 0 and text.startswith(SECTION + "\n"):
        start = -1
        body_start = 0
    elif start >= 0:
        start += 1
        body_start = start
    else:
        path.write_text(text.rstrip("\n") + "\n\n" + block)
        return
    nxt = text.find("\n## ", body_start + len(SECTION))
    end = len(text) if nxt < 0 else nxt + 1
    sep = "\n" if nxt >= 0 else ""
    path.write_text(text[:body_start] + block + sep + text[end:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load in (a) and (b) (default 60)")
    parser.add_argument("--interval", type=float, default=10, help="seconds between signals/kills (default 10)")
    parser.add_argument("--rounds", type=int, default=8, help="perf rounds (default 8)")
    parser.add_argument("--round-duration", type=float, default=5, help="seconds per perf run (default 5)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections in the chaos runs")
    parser.add_argument("--only", default="reload,kill,term,perf")
    parser.add_argument("--seed", type=int, default=13, help="which worker each kill picks")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--no-write", action="store_true", help="print the section, do not write it")
    args = parser.parse_args(sys.argv[1:])
    sys.setswitchinterval(0.0005)  # the probe's thread must not delay a signal by the default 5 ms per read
    if shutil.which("wrk") is None:
        print("chaos: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 1
    command = "python bench/chaos.py" + ("".join(f" {a}" for a in sys.argv[1:]))
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    results: dict[str, dict] = {}
    runners = {"reload": scenario_reload, "kill": scenario_kill, "term": scenario_term, "perf": scenario_perf}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="eggfast-chaos-") as tmp:
        try:
            for name in wanted:
                print(f"== {name}", flush=True)
                results[name] = runners[name](Path(tmp), args)
        finally:
            cleanup()
    lines, verdicts = report(args, command, results)
    print("\n".join(lines))
    print(f"({time.monotonic() - started:.0f} s)")
    if not args.no_write:
        write_section(Path(args.out), lines)
        print(f"wrote the '{SECTION[3:]}' section of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
