"""User vs kernel CPU per request for the ceiling and both eggfast twins (plaintext).

    .venv/bin/python bench/cpu_split.py

Each server is pinned to CPU 1 and driven by one 4 s ``wrk -t1 -c64`` run on
CPU 0 (after a 1 s warm-up); utime and stime come from /proc/PID/stat.  Shows
how much of a request is the kernel's (the same for every server) and how
much is the server's own user time.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_e2e as R  # noqa: E402


def ticks(pid: int) -> tuple[int, int]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def main() -> None:
    for server in R.servers()[:3]:  # ceiling, eggfast-compiled, eggfast-pure
        port = R.free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("EGGFAST_")}
        env.update(server.env)
        proc = subprocess.Popen(["taskset", "-c", "1", *server.argv, str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            R.wait_listening(port, proc)
            R.wait_ready(port, "/")
            R.run_wrk(port, "/", 1)
            u0, s0 = ticks(proc.pid)
            rps, _p99, n = R.run_wrk(port, "/", 4)
            u1, s1 = ticks(proc.pid)
            print(f"{server.name:18} {rps:8.0f} req/s  user {(u1 - u0) / R.TICKS / n * 1e6:5.1f} us"
                  f"  kernel {(s1 - s0) / R.TICKS / n * 1e6:5.1f} us")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
