"""End-to-end benchmark: every server, every endpoint, interleaved rounds, medians.

    python bench/run_e2e.py [--rounds 5] [--duration 5] [--servers a,b] [--out bench/RESULTS.md]

Each server runs pinned to CPU 1 (``taskset -c 1``) and is driven by
``taskset -c 0 wrk -t1 -c64``.  Rounds are interleaved (server A, B, C, …
then again), because two single runs of one server on a noisy machine can
differ by 2×; the medians are reported.  Server CPU time per request is
utime + stime of the server process (and its children) from /proc over the
measured run, divided by the requests wrk completed.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EGG_PY = str(ROOT / ".venv" / "bin" / "python")
PEER_PY = str(ROOT / ".venv-bench" / "bin" / "python")
TICKS = os.sysconf("SC_CLK_TCK")

ENDPOINTS = {
    "plaintext": ("/", False),
    "json": ("/json", False),
    "param": ("/user/1296269/post/42", False),
    "param-5k": ("/user/1296269/post/42", True),  # same route in a 5,000-route app
}


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict = field(default_factory=dict)
    routes_flag: bool = True


def servers() -> list[Server]:
    egg = [EGG_PY, str(ROOT / "bench" / "e2e" / "eggfast_app.py")]
    peers = [PEER_PY, str(ROOT / "bench" / "e2e" / "peers.py")]
    return [
        Server("ceiling", [EGG_PY, str(ROOT / "bench" / "ceiling.py")], routes_flag=False),
        Server("eggfast-compiled", egg, {"EGGFAST_REQUIRE_EXTENSIONS": "1"}),
        Server("eggfast-pure", egg, {"EGGFAST_NO_EXTENSIONS": "1"}),
        *[Server(name, peers + [name]) for name in ("sanic", "starlette", "blacksheep", "falcon", "aiohttp")],
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start listening")


def wait_ready(port: int, path: str, timeout: float = 60.0) -> None:
    """Until one plain GET of ``path`` answers 200 (some servers compile routes lazily)."""
    import http.client

    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no 200 from {path}")
        time.sleep(0.2)


def cpu_ticks(pid: int) -> int:
    """utime + stime of ``pid`` and its direct children, in clock ticks."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total


def run_wrk(port: int, path: str, duration: float) -> tuple[float, float, int]:
    out = subprocess.run(
        ["taskset", "-c", "0", "wrk", "-t1", "-c64", f"-d{duration:g}s", "--latency", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} non-2xx responses on {path}")
    return rps, float(p99.group(1)) * scale, requests


def measure(server: Server, endpoints: list[str], duration: float, routes: int) -> dict[str, tuple[float, float, float]]:
    port = free_port()
    argv = ["taskset", "-c", "1", *server.argv, str(port)]
    if routes and server.routes_flag:
        argv += ["--routes", str(routes)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGGFAST_")}
    env.update(server.env)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    results = {}
    try:
        wait_listening(port, proc)
        for name in endpoints:
            wait_ready(port, ENDPOINTS[name][0])
        run_wrk(port, ENDPOINTS[endpoints[0]][0], 1)  # warm-up
        for name in endpoints:
            before = cpu_ticks(proc.pid)
            rps, p99, requests = run_wrk(port, ENDPOINTS[name][0], duration)
            if requests == 0:
                raise RuntimeError(f"wrk completed no request on {ENDPOINTS[name][0]}")
            used = (cpu_ticks(proc.pid) - before) / TICKS
            results[name] = (rps, p99, used / max(requests, 1) * 1e6)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--servers", default="")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    chosen = [s for s in servers() if not args.servers or s.name in args.servers.split(",")]
    if not any(s.name == "ceiling" for s in chosen):
        chosen.insert(0, servers()[0])
    samples: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    small = [e for e, (_, big) in ENDPOINTS.items() if not big]
    large = [e for e, (_, big) in ENDPOINTS.items() if big]
    for round_no in range(1, args.rounds + 1):
        for server in chosen:
            for endpoints, routes in ((small, 0), (large, 5000)):
                try:
                    got = measure(server, endpoints, args.duration, routes)
                except Exception as exc:  # a peer that fails to start is reported, not fatal
                    print(f"round {round_no} {server.name}: FAILED {exc}", file=sys.stderr)
                    continue
                for endpoint, sample in got.items():
                    samples.setdefault((server.name, endpoint), []).append(sample)
                    print(f"round {round_no} {server.name:<17} {endpoint:<9} {sample[0]:>9.0f} req/s  "
                          f"p99 {sample[1]:6.2f} ms  {sample[2]:6.1f} us CPU/req", flush=True)
    write_report(Path(args.out), chosen, samples, args)
    print(f"wrote {args.out}")
    return 0


def write_report(path: Path, chosen: list[Server], samples: dict, args: argparse.Namespace) -> None:
    def med(server: str, endpoint: str, i: int) -> float | None:
        values = [s[i] for s in samples.get((server, endpoint), [])]
        return statistics.median(values) if values else None

    lines = [
        "# End-to-end benchmark results",
        "",
        f"`python bench/run_e2e.py --rounds {args.rounds} --duration {args.duration}` (what `make bench` runs), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs. Servers pinned to CPU 1, "
        "`wrk -t1 -c64` pinned to CPU 0, interleaved rounds, medians. Ratio = requests/s ÷ the raw ceiling's on the same "
        "endpoint in the same run. CPU = server utime+stime per request.",
        "",
    ]
    for endpoint in ENDPOINTS:
        ceiling = med("ceiling", endpoint, 0)
        lines += [f"## {endpoint} (`{ENDPOINTS[endpoint][0]}`{', 5,000-route app' if ENDPOINTS[endpoint][1] else ''})", "",
                  "| server | req/s | × ceiling | p99 ms | CPU µs/req |", "|---|---:|---:|---:|---:|"]
        for server in chosen:
            rps = med(server.name, endpoint, 0)
            if rps is None:
                lines.append(f"| {server.name} | failed | | | |")
                continue
            ratio = f"{rps / ceiling:.2f}" if ceiling else "-"
            lines.append(f"| {server.name} | {rps:,.0f} | {ratio} | {med(server.name, endpoint, 1):.2f} | "
                         f"{med(server.name, endpoint, 2):.1f} |")
        lines.append("")
    marker = "<!-- profile -->"
    old = path.read_text() if path.exists() else ""
    tail = old[old.index(marker):] if marker in old else f"{marker}\n"
    path.write_text("\n".join(lines) + "\n" + tail)


if __name__ == "__main__":
    sys.exit(main())
