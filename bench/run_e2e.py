"""End-to-end benchmark: every server, every endpoint, interleaved rounds, medians.

    python bench/run_e2e.py [--rounds 5] [--duration 5] [--servers a,b] [--only main|egg] [--out bench/RESULTS.md]

Each server runs pinned to CPU 1 (``taskset -c 1``) and is driven by
``taskset -c 0 wrk -t1 -c64``.  Rounds are interleaved (server A, B, C, …
then again), because two single runs of one server on a noisy machine can
differ by 2×; the medians are reported.  Server CPU time per request is
utime + stime of the server process (and its children) from /proc over the
measured run, divided by the requests wrk completed.

Two groups of servers.  ``main``: the raw ceiling, the eggfast benchmark app
(compiled, pure) and five Python peers, on every endpoint.  ``egg``: Egg.js's
default app (bench/eggjs, one Node process in egg's single-process mode) and
eggfast's Egg app (bench/e2e/egg_app, compiled and pure, ``eggfast dev --env
prod``), each twice: as shipped and with csrf off (``BENCH_CSRF=off``, read by
both apps' config); every endpoint but the 5,000-route one, each warmed up for
1 s.  Both groups run by default, in the same rounds; ``--only egg`` (what
``make bench-egg`` runs) runs the egg group alone.  Each group rewrites its own
part of the report and keeps the other's.  Egg.js is skipped, with a line
saying why, when ``node`` or bench/eggjs/node_modules is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EGG_PY = str(ROOT / ".venv" / "bin" / "python")
PEER_PY = str(ROOT / ".venv-bench" / "bin" / "python")
TICKS = os.sysconf("SC_CLK_TCK")
EGGJS = ROOT / "bench" / "eggjs"
EGG_APP = ROOT / "bench" / "e2e" / "egg_app"
NODE = shutil.which("node")

ENDPOINTS = {
    "plaintext": ("/", False),
    "json": ("/json", False),
    "param": ("/user/1296269/post/42", False),
    "param-5k": ("/user/1296269/post/42", True),  # same route in a 5,000-route app
}


# The bodies every server of the egg group must answer (checked once per start).
EGG_BODIES = {
    "plaintext": b"Hello, World!",
    "json": b'{"message":"Hello, World!"}',
    "param": b'{"id":"1296269","pid":"42"}',
}


@dataclass
class Server:
    name: str
    argv: list[str]
    env: dict = field(default_factory=dict)
    routes_flag: bool = True
    group: str = "main"
    skip: str = ""  # why the server cannot run here ("" = it can)


def servers() -> list[Server]:
    """The main group: the ceiling (first), eggfast compiled and pure (next), the peers."""
    egg = [EGG_PY, str(ROOT / "bench" / "e2e" / "eggfast_app.py")]
    peers = [PEER_PY, str(ROOT / "bench" / "e2e" / "peers.py")]
    return [
        Server("ceiling", [EGG_PY, str(ROOT / "bench" / "ceiling.py")], routes_flag=False),
        Server("eggfast-compiled", egg, {"EGGFAST_REQUIRE_EXTENSIONS": "1"}),
        Server("eggfast-pure", egg, {"EGGFAST_NO_EXTENSIONS": "1"}),
        *[Server(name, peers + [name]) for name in ("sanic", "starlette", "blacksheep", "falcon", "aiohttp")],
    ]


def eggjs_missing() -> str:
    """Why Egg.js cannot run here, or "" when it can."""
    if NODE is None:
        return "node not found: install Node.js >= 18 and run `make bench-deps`"
    if not (EGGJS / "node_modules" / "egg" / "package.json").exists():
        return "bench/eggjs/node_modules missing: run `make bench-deps` (npm ci in bench/eggjs)"
    return ""


def egg_servers() -> list[Server]:
    """The egg group: Egg.js's default app and eggfast's Egg app, as shipped and with csrf off."""
    node = [NODE or "node", str(EGGJS / "server.js")]
    egg = [EGG_PY, "-m", "eggfast", "dev", "--base-dir", str(EGG_APP), "--env", "prod", "--port"]
    prod = {"EGG_SERVER_ENV": "prod", "NODE_ENV": "production"}
    out = []
    for suffix, csrf in (("", {}), ("-nocsrf", {"BENCH_CSRF": "off"})):
        out += [
            Server(f"eggjs{suffix}", node, {**prod, **csrf}, routes_flag=False, group="egg", skip=eggjs_missing()),
            Server(f"egg-compiled{suffix}", egg, {**prod, **csrf, "EGGFAST_REQUIRE_EXTENSIONS": "1"},
                   routes_flag=False, group="egg"),
            Server(f"egg-pure{suffix}", egg, {**prod, **csrf, "EGGFAST_NO_EXTENSIONS": "1"},
                   routes_flag=False, group="egg"),
        ]
    return out


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


def wait_ready(port: int, path: str, timeout: float = 60.0) -> bytes:
    """Until one plain GET of ``path`` answers 200 (some servers compile routes lazily); its body."""
    import http.client

    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200:
                return body
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


# What each egg-group server said it loads, from its start-up output (for the report).
STACKS: dict[str, dict[str, str]] = {}


def read_stack(server: Server, output: str) -> None:
    """Record the plugins and middleware a server of the egg group printed at start-up."""
    if server.name in STACKS:
        return
    if server.name.startswith("eggjs"):
        plugins = re.search(r"\[egg:core\] Loaded enabled plugin (\[.*\])\s*$", output, re.MULTILINE)
        middleware = re.search(r"Use coreMiddleware order: (\[.*\])", output)
        security = re.findall(r"\[egg-security\] use (\w+) middleware", output)
        names = [p["name"] for p in json.loads(plugins.group(1))] if plugins else []
        chain = json.loads(middleware.group(1)) if middleware else []
        STACKS[server.name] = {"plugins": ", ".join(names), "middleware": ", ".join(chain),
                               "security": ", ".join(security)}
    else:
        plugins = re.search(r"^\[eggfast dev\] \d+ plugins: (.*)$", output, re.MULTILINE)
        middleware = re.search(r"^\[eggfast dev\] middleware: (.*)$", output, re.MULTILINE)
        STACKS[server.name] = {"plugins": plugins.group(1) if plugins else "",
                               "middleware": middleware.group(1) if middleware else "", "security": ""}


def server_env(server: Server, tmp: str) -> dict:
    """The environment less eggfast's and Egg's switches (each server sets its own), plus the server's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EGGFAST_", "EGG_", "BENCH_")) and k != "NODE_ENV"}
    env.update(server.env)
    env["BENCH_EGG_TMP"] = tmp  # logs and run files of the Egg apps
    return env


def measure(server: Server, endpoints: list[str], duration: float, routes: int) -> dict[str, tuple[float, float, float]]:
    port = free_port()
    argv = ["taskset", "-c", "1", *server.argv, str(port)]
    if routes and server.routes_flag:
        argv += ["--routes", str(routes)]
    tmp = tempfile.mkdtemp(prefix=f"bench-{server.name}-")
    output = Path(tmp) / "output"
    results = {}
    try:
        with open(output, "wb") as sink:
            proc = subprocess.Popen(argv, env=server_env(server, tmp), stdout=sink, stderr=subprocess.STDOUT)
        try:
            _serve(server, proc, port, endpoints, duration, results, output)
        except Exception as exc:
            said = " | ".join(output.read_text(errors="replace").strip().splitlines()[-3:])
            raise RuntimeError(f"{exc}" + (f" (server said: {said})" if said else "")) from exc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def _serve(server: Server, proc: subprocess.Popen, port: int, endpoints: list[str], duration: float,
           results: dict, output: Path) -> None:
    wait_listening(port, proc)
    for name in endpoints:
        body = wait_ready(port, ENDPOINTS[name][0])
        if server.group == "egg" and body != EGG_BODIES[name]:
            raise RuntimeError(f"{ENDPOINTS[name][0]} answered {body[:80]!r}, not {EGG_BODIES[name]!r}")
    if server.group == "egg":
        read_stack(server, output.read_text(errors="replace"))
        for name in endpoints:  # every endpoint warmed up (V8 compiles each handler path on its own)
            run_wrk(port, ENDPOINTS[name][0], 1)
    else:
        run_wrk(port, ENDPOINTS[endpoints[0]][0], 1)  # warm-up
    for name in endpoints:
        before = cpu_ticks(proc.pid)
        rps, p99, requests = run_wrk(port, ENDPOINTS[name][0], duration)
        if requests == 0:
            raise RuntimeError(f"wrk completed no request on {ENDPOINTS[name][0]}")
        used = (cpu_ticks(proc.pid) - before) / TICKS
        results[name] = (rps, p99, used / max(requests, 1) * 1e6)


def choose(args: argparse.Namespace) -> list[Server]:
    """The servers of the groups asked for, filtered by ``--servers``; skipped ones are said and dropped."""
    wanted = set(args.servers.split(",")) if args.servers else None
    groups = [args.only] if args.only else ["main", "egg"]
    chosen: list[Server] = []
    if "main" in groups:
        main = [s for s in servers() if wanted is None or s.name in wanted]
        if main and not any(s.name == "ceiling" for s in main):
            main.insert(0, servers()[0])
        chosen += main
    if "egg" in groups:
        for server in egg_servers():
            if wanted is not None and server.name not in wanted:
                continue
            if server.skip:
                print(f"{server.name}: skipped: {server.skip}", file=sys.stderr, flush=True)
                SKIPPED[server.name] = server.skip
                continue
            chosen.append(server)
    return chosen


SKIPPED: dict[str, str] = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--servers", default="", help="comma-separated server names (default: all of the groups run)")
    parser.add_argument("--only", choices=("main", "egg"), default=None,
                        help="run one group: main (ceiling, eggfast, peers) or egg (Egg.js vs eggfast's Egg app)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        print("wrk and taskset are needed: `make bench-deps` installs wrk (apt)", file=sys.stderr)
        return 1
    chosen = choose(args)
    if not chosen:
        print("no server to run", file=sys.stderr)
        return 1
    samples: dict[tuple[str, str], list[tuple[float, float, float, int]]] = {}
    small = [e for e, (_, big) in ENDPOINTS.items() if not big]
    large = [e for e, (_, big) in ENDPOINTS.items() if big]
    for round_no in range(1, args.rounds + 1):
        for server in chosen:
            passes = ((small, 0), (large, 5000)) if server.group == "main" else ((small, 0),)
            for endpoints, routes in passes:
                try:
                    got = measure(server, endpoints, args.duration, routes)
                except Exception as exc:  # a peer that fails to start is reported, not fatal
                    print(f"round {round_no} {server.name}: FAILED {exc}", file=sys.stderr)
                    continue
                for endpoint, sample in got.items():
                    samples.setdefault((server.name, endpoint), []).append((*sample, round_no))
                    print(f"round {round_no} {server.name:<19} {endpoint:<9} {sample[0]:>9.0f} req/s  "
                          f"p99 {sample[1]:6.2f} ms  {sample[2]:6.1f} us CPU/req", flush=True)
    write_report(Path(args.out), chosen, samples, args)
    print(f"wrote {args.out}")
    return 0


EGG_MARKER = "<!-- egg -->"
PROFILE_MARKER = "<!-- profile -->"


def write_report(path: Path, chosen: list[Server], samples: dict, args: argparse.Namespace) -> None:
    """Rewrite the part of ``path`` of each group that ran; keep the other part and the profile."""
    old = path.read_text() if path.exists() else ""
    at = old.find(PROFILE_MARKER)
    tail = old[at:] if at >= 0 else f"{PROFILE_MARKER}\n"
    body = old[:at] if at >= 0 else old
    at = body.find(EGG_MARKER)
    main_part, egg_part = (body[:at], body[at:]) if at >= 0 else (body, "")
    ran = {s.group for s in chosen}
    if "main" in ran:
        main_part = main_report([s for s in chosen if s.group == "main"], samples, args)
    if "egg" in ran or (args.only == "egg"):
        egg_part = egg_report(samples, args, {s.name for s in chosen})
    path.write_text(main_part + egg_part + tail)


def median_of(samples: dict, server: str, endpoint: str, i: int) -> float | None:
    values = [s[i] for s in samples.get((server, endpoint), [])]
    return statistics.median(values) if values else None


def main_report(chosen: list[Server], samples: dict, args: argparse.Namespace) -> str:
    def med(server: str, endpoint: str, i: int) -> float | None:
        return median_of(samples, server, endpoint, i)

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
    return "\n".join(lines) + "\n"


# Targets the project set for eggfast's Egg app against Egg.js's default app (req/s, one core).
TARGETS = {"compiled": 4.0, "pure": 3.0}


def versions() -> str:
    """``Node vX, egg X.Y.Z`` of the Egg.js side, as far as known."""
    parts = []
    if NODE:
        parts.append("Node " + subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip())
    try:
        parts.append("egg " + json.loads((EGGJS / "node_modules" / "egg" / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        pass
    return ", ".join(parts)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def egg_report(samples: dict, args: argparse.Namespace, ran: set) -> str:
    """The egg group's tables: req/s, ratios to Egg.js and the targets, then p99 / CPU, then what each side loads."""
    small = [e for e, (_, big) in ENDPOINTS.items() if not big]
    configs = (("", "on (as shipped)"), ("-nocsrf", "off"))
    command = f"python bench/run_e2e.py --only egg --rounds {args.rounds} --duration {args.duration:g}"
    if args.only != "egg":
        command = f"python bench/run_e2e.py --rounds {args.rounds} --duration {args.duration:g}"
    lines = [
        EGG_MARKER, "",
        "## Egg.js vs eggfast's Egg app", "",
        f"`{command}` (`make bench-egg` runs `--only egg`; `make bench` runs this group too), "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} CPUs"
        + (f", {versions()}" if versions() else "") + ". "
        "Egg.js: bench/eggjs, its default app (every default plugin and middleware as `egg` ships them), "
        "`NODE_ENV=production EGG_SERVER_ENV=prod`, in egg's single-process mode (`require('egg').start()`: "
        "agent and app in one Node process, no master, no forked worker). eggfast: bench/e2e/egg_app served by "
        "`eggfast dev --env prod` (agent and app in one process). Same routes, controller actions and bodies. "
        "Every server pinned to CPU 1, `wrk -t1 -c64` pinned to CPU 0, interleaved rounds, medians; each "
        "endpoint warmed up for 1 s first. csrf off = `BENCH_CSRF=off`, read by both apps' config "
        "(`config.security.csrf.enable = false`). Ratio = the medians' ratio, in brackets the lowest and highest "
        f"ratio of one round. Targets: compiled ≥ {TARGETS['compiled']:g}× Egg.js, pure ≥ {TARGETS['pure']:g}×.",
        "",
    ]
    if any(name.startswith("eggjs") for name in SKIPPED):
        lines += [f"**Egg.js skipped**: {next(v for k, v in SKIPPED.items() if k.startswith('eggjs'))}.", ""]
    lines += ["| endpoint | csrf | Egg.js req/s | eggfast compiled req/s | eggfast pure req/s | compiled ÷ Egg.js "
              "| pure ÷ Egg.js | targets (req/s) | compiled ÷ Egg.js, CPU/req | pure ÷ Egg.js, CPU/req |",
              "|---|---|---:|---:|---:|---:|---:|---|---:|---:|"]

    def per_round(a: str, b: str, endpoint: str) -> list[float]:
        by_round = {s[3]: s[0] for s in samples.get((b, endpoint), [])}
        return [s[0] / by_round[s[3]] for s in samples.get((a, endpoint), []) if s[3] in by_round]

    for suffix, label in configs:
        for endpoint in small:
            eggjs = median_of(samples, f"eggjs{suffix}", endpoint, 0)
            name = f"eggjs{suffix}"
            cells = [endpoint, label, f"{eggjs:,.0f}" if eggjs else "failed" if name in ran
                     else "skipped" if name in SKIPPED else "not run"]
            verdicts = []
            for twin in ("compiled", "pure"):
                name = f"egg-{twin}{suffix}"
                rps = median_of(samples, name, endpoint, 0)
                cells.append(f"{rps:,.0f}" if rps else "failed" if name in ran else "not run")
            for twin in ("compiled", "pure"):
                rps = median_of(samples, f"egg-{twin}{suffix}", endpoint, 0)
                if not (rps and eggjs):
                    cells.append("-")
                    verdicts.append(None)
                    continue
                ratio = rps / eggjs
                rounds = per_round(f"egg-{twin}{suffix}", f"eggjs{suffix}", endpoint)
                spread = f" ({min(rounds):.2f}–{max(rounds):.2f})" if len(rounds) > 1 else ""
                cells.append(f"{ratio:.2f}{spread}")
                verdicts.append(ratio >= TARGETS[twin])
            if None in verdicts:
                cells.append("-")
            elif all(verdicts):
                cells.append("met")
            else:
                missed = [twin for twin, ok in zip(("compiled", "pure"), verdicts) if not ok]
                cells.append("not met (" + ", ".join(missed) + ")")
            theirs = median_of(samples, f"eggjs{suffix}", endpoint, 2)
            for twin in ("compiled", "pure"):
                ours = median_of(samples, f"egg-{twin}{suffix}", endpoint, 2)
                cells.append(f"{theirs / ours:.2f}" if theirs and ours else "-")
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "The last two columns divide Egg.js's server CPU time per request by eggfast's: the req/s ratio "
              "of two servers that each have a whole core, which the req/s ratio falls short of when the core "
              "or wrk's core is shared (busy < 100 % below: the server waited for wrk, or for CPU 1).", "",
              "| server | endpoint | req/s | p99 ms | CPU µs/req | busy |", "|---|---|---:|---:|---:|---:|"]
    for suffix, _label in configs:
        for prefix in ("eggjs", "egg-compiled", "egg-pure"):
            name = prefix + suffix
            for e in small:
                rps, p99, cpu = (median_of(samples, name, e, i) for i in range(3))
                if rps is None:
                    continue
                busy = statistics.median(s[0] * s[2] / 1e6 for s in samples[(name, e)])
                lines.append(f"| {name} | {e} | {rps:,.0f} | {p99:.2f} | {cpu:.1f} | {busy:.0%} |")
    lines += ["", "What each side loaded (from its start-up output):", ""]
    eggjs, eggfast = STACKS.get("eggjs", {}), STACKS.get("egg-compiled") or STACKS.get("egg-pure") or {}
    if eggjs:
        lines.append(f"- Egg.js plugins: {eggjs['plugins']}; middleware: {eggjs['middleware']}"
                     + (f" (securities = {eggjs['security']})" if eggjs["security"] else "") + ".")
        nocsrf = STACKS.get("eggjs-nocsrf", {})
        if nocsrf.get("security"):
            lines.append(f"- Egg.js with csrf off: securities = {nocsrf['security']}.")
    if eggfast:
        lines.append(f"- eggfast plugins: {eggfast['plugins']}; middleware: {eggfast['middleware']}.")
    if eggjs and eggfast:
        ours_p = {p.strip() for p in eggfast["plugins"].split(",")}
        ours_m = {m.strip() for m in eggfast["middleware"].split(",")}
        missing_p = [p for p in eggjs["plugins"].split(", ") if p and snake(p) not in ours_p]
        missing_m = [m for m in eggjs["middleware"].split(", ") if m and snake(m) not in ours_m]
        if missing_p or missing_m:
            lines.append(f"- Not (yet) in eggfast's Egg app, so not in its figures: plugins {', '.join(missing_p) or '-'}; "
                         f"middleware {', '.join(missing_m) or '-'}. The ratios compare the two default apps as they "
                         "are today, not equal work.")
        if "security" not in ours_p:
            lines.append("- eggfast has no security plugin yet: its csrf-off run serves the same app as its default "
                         "run (the switch is merged into the config and read by nothing).")
    lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
