"""Peak memory a server process gains answering one large whole-body response.

    .venv/bin/python bench/peak_memory.py [--size MIB] [--pure | --compiled]

For each twin (compiled, then pure) and each case, a fresh server process is
started (uvloop, the bare Koa-style app below, on a free port of 127.0.0.1)
and sent one small warm-up request; then its high-water mark of resident
memory is reset (``/proc/PID/clear_refs``), the case runs once, and the
growth of ``VmHWM`` over the resident size before the case is printed:

* ``send``: ``GET /send`` answers a ``bytes`` body of SIZE MiB (default 50)
  built when the server starts: ideally no growth at all.
* ``echo``: ``POST /echo`` with a SIZE MiB body, answered with the body
  ``await ctx.request.read()`` returned.  Reading joins the received chunks
  (chunks + the joined body: about 2 x SIZE), so that is the floor here.

Where ``clear_refs`` cannot be written the script says so and measures from
the start of the process instead (the growth is then a lower bound).
Linux only (it reads ``/proc``).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024

SERVER = r"""
import asyncio, os, sys
import uvloop
from eggfast import Application

SIZE = int(sys.argv[1])
BODY = b"x" * SIZE  # the /send body, allocated before the baseline is taken

async def main():
    app = Application(silent=True)

    async def send(ctx):
        ctx.body = BODY

    async def echo(ctx):
        ctx.body = await ctx.request.read(limit=SIZE)

    async def small(ctx):
        ctx.body = "ok"

    app.router.get("/send", send)
    app.router.post("/echo", echo)
    app.router.get("/small", small)
    server = await app.create_server("127.0.0.1", 0)
    print(server.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
    server.close()
    await server.wait_closed()

uvloop.run(main())
"""


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def read_response(sock: socket.socket) -> tuple[int, int]:
    """(status, body length) of one Content-Length response, read into a reused buffer."""
    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("server closed before the head")
        head += data
    head, _, rest = head.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    got = len(rest)
    buf = bytearray(MIB)
    while got < length:
        n = sock.recv_into(buf)
        if not n:
            raise ConnectionError(f"server closed after {got} of {length} body bytes")
        got += n
    return status, length


def measure(env_extra: dict[str, str], case: str, size: int) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGGFAST_")}
    env.update(env_extra)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(size)], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            sock.sendall(b"GET /small HTTP/1.1\r\nHost: b\r\n\r\n")
            assert read_response(sock) == (200, 2)
            time.sleep(0.2)
            try:
                Path(f"/proc/{proc.pid}/clear_refs").write_text("5")  # reset VmHWM to VmRSS
                how = "VmHWM reset before the case"
            except OSError as exc:
                how = f"VmHWM not reset ({exc.strerror}): growth measured from process start"
            before = status_kib(proc.pid, "VmRSS")
            if case == "send":
                sock.sendall(b"GET /send HTTP/1.1\r\nHost: b\r\n\r\n")
            else:
                body = b"y" * size
                sock.sendall(b"POST /echo HTTP/1.1\r\nHost: b\r\nContent-Length: %d\r\n\r\n" % size)
                sock.sendall(body)
                del body
            status, length = read_response(sock)
            assert (status, length) == (200, size), (status, length)
            time.sleep(0.2)
            peak = status_kib(proc.pid, "VmHWM")
        return (peak - before) / 1024, how
    finally:
        proc.stdin.close()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=50, help="body size in MiB (default 50)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--pure", action="store_true", help="only the pure twins")
    group.add_argument("--compiled", action="store_true", help="only the compiled twins")
    args = parser.parse_args()
    twins = [("compiled", {"EGGFAST_REQUIRE_EXTENSIONS": "1"}), ("pure", {"EGGFAST_NO_EXTENSIONS": "1"})]
    if args.pure:
        twins = twins[1:]
    elif args.compiled:
        twins = twins[:1]
    size = args.size * MIB
    notes = set()
    for name, env in twins:
        for case in ("send", "echo"):
            growth, how = measure(env, case, size)
            notes.add(how)
            print(f"{name:9} {case:5} {args.size} MiB body: peak RSS +{growth:6.1f} MiB", flush=True)
    for note in sorted(notes):
        print(f"({note})")


if __name__ == "__main__":
    main()
