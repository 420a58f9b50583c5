"""Server CPU per byte for one large static file: eggfast's static plugin vs aiohttp's FileResponse.

    .venv/bin/python bench/static_cpu.py [--size-mb 64] [--seconds 8]

Each server runs alone in its own process on 127.0.0.1 (one worker, uvloop
when installed); wrk (2 threads, 4 connections) fetches the file for
``--seconds``; the server's user+system CPU over the run (from
/proc/<pid>/stat) is divided by the bytes wrk read.  aiohttp must be
installed in the same interpreter (it is not an eggfast dependency).
aiohttp runs twice: on uvloop (as eggfast does), then on asyncio's own loop,
whose ``loop.sendfile`` uses ``os.sendfile``.  Prints one line per server.  Not a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

EGGFAST_APP = textwrap.dedent('''
    import sys, eggfast, asyncio
    from eggfast.server import new_event_loop
    async def main():
        app = await eggfast.start(sys.argv[1], env="prod", port=int(sys.argv[2]),
                                  logger={"console": False, "dir": sys.argv[3]}, rundir=sys.argv[3])
        print("ready", flush=True)
        await asyncio.Event().wait()
    loop = new_event_loop(); asyncio.set_event_loop(loop); loop.run_until_complete(main())
''')

AIOHTTP_APP = textwrap.dedent('''
    import os, sys
    from aiohttp import web
    if not os.environ.get("AIOHTTP_NO_UVLOOP"):
        try:
            import uvloop; uvloop.install()
        except ImportError:
            pass
    path = sys.argv[1] + "/app/public/big.bin"
    async def big(request):
        return web.FileResponse(path)
    app = web.Application(); app.router.add_get("/public/big.bin", big)
    print("ready", flush=True)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), print=None, access_log=None)
''')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_bytes(text: str) -> float:
    match = re.search(r"requests in [\d.]+\w+, ([\d.]+)(\w+) read", text)
    value, unit = float(match.group(1)), match.group(2)
    return value * {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3, "TB": 1024 ** 4}[unit]


def run(name: str, source: str, base: Path, seconds: int) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", source, str(base), str(port), str(base / "run")],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        start = cpu_seconds(proc.pid)
        out = subprocess.run(["wrk", "-t2", "-c4", f"-d{seconds}s", f"http://127.0.0.1:{port}/public/big.bin"],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
        used = cpu_seconds(proc.pid) - start
        read = parse_bytes(out)
        print(f"{name:10s} {read / 2**30:7.2f} GiB read, server CPU {used:6.2f} s, "
              f"{used / (read / 2**30):6.3f} CPU-s per GiB", flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "app" / "public").mkdir(parents=True)
        (base / "config").mkdir()
        (base / "config" / "config.default.py").write_text("config = {\"keys\": \"bench-key\"}\n")
        (base / "app" / "public" / "big.bin").write_bytes(os.urandom(args.size_mb * 1024 * 1024))
        run("eggfast", EGGFAST_APP, base, args.seconds)
        run("aiohttp", AIOHTTP_APP, base, args.seconds)
        os.environ["AIOHTTP_NO_UVLOOP"] = "1"  # asyncio's loop: loop.sendfile() uses os.sendfile
        run("aiohttp/aio", AIOHTTP_APP, base, args.seconds)


if __name__ == "__main__":
    main()
