"""Instructions per request on the in-process request path, counted by valgrind.

    .venv/bin/python bench/instructions.py [PATH] [--pure]

Runs the benchmark app (bench/e2e/eggfast_app.py) behind the protocol twin
on a mock transport, once for 500 and once for 1,500 keep-alive requests to
``PATH`` (default ``/``), each under ``valgrind --tool=callgrind``, and prints
the difference divided by 1,000: the instructions one more request costs,
with start-up and teardown cancelled out.  Deterministic to about ±1k, so it
separates changes of 1-2 % that wrk's noise hides; confirm what it suggests
with interleaved wrk runs, because fewer instructions is not always more
requests per second (see the profile in bench/RESULTS.md).

Needs valgrind (``apt-get install -y valgrind``).  ``--pure`` measures the
pure twins (EGGFAST_NO_EXTENSIONS=1); otherwise compiled twins are required.
"""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def drive(path: str, count: int) -> None:
    """Serve ``count`` requests to ``path``, one at a time, on a mock transport."""
    sys.path.insert(0, str(ROOT / "bench" / "e2e"))
    sys.path.insert(0, str(ROOT / "tests" / "protocol"))
    import uvloop
    from eggfast_app import build
    from wire import MockTransport

    from eggfast import _protocol
    from eggfast.limits import ServerLimits

    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:7001\r\nUser-Agent: wrk\r\nAccept: */*\r\n\r\n".encode()

    class Transport(MockTransport):
        waiter: asyncio.Future | None = None

        def write(self, data: bytes) -> None:
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(None)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        transport = Transport()
        protocol = _protocol.HttpProtocol(build().callback(), loop, ServerLimits(), None)
        transport.protocol = protocol
        protocol.connection_made(transport)
        for _ in range(count):
            transport.waiter = loop.create_future()
            loop.call_soon(protocol.data_received, request)
            await transport.waiter

    uvloop.run(main())


def count_instructions(path: str, count: int, env: dict) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__, "--drive", path, str(count)],
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        summary = re.search(r"^summary:\s*(\d+)", out.read_text(), re.MULTILINE)
        if summary is None:
            raise RuntimeError("callgrind wrote no summary")
        return int(summary.group(1))


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--drive"]:
        drive(args[1], int(args[2]))
        return 0
    pure = "--pure" in args
    paths = [a for a in args if not a.startswith("--")] or ["/"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGGFAST_")}
    env["EGGFAST_NO_EXTENSIONS" if pure else "EGGFAST_REQUIRE_EXTENSIONS"] = "1"
    for path in paths:
        few, many = (count_instructions(path, n, env) for n in (500, 1500))
        print(f"{'pure' if pure else 'compiled'} {path}: {(many - few) / 1000:,.0f} instructions per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
