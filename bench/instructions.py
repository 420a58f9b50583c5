"""Instructions per request on the in-process request path, counted by valgrind.

    .venv/bin/python bench/instructions.py [PATH] [--pure] [--browser-head] [--egg]

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
``--browser-head`` sends the head a current browser sends for a page (15
headers, most of them outside the protocol's table of common names) instead
of wrk's three.  ``--egg`` serves bench/e2e/egg_app instead: an Egg app
with the default plugins and middleware (meta, site_file, notfound,
body_parser, override_method, session) and a class controller that does not
read ``ctx.session``.
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


BROWSER_HEAD = (
    "Host: 127.0.0.1:7001\r\nConnection: keep-alive\r\n"
    'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"\r\nsec-ch-ua-mobile: ?0\r\n'
    'sec-ch-ua-platform: "Linux"\r\nUpgrade-Insecure-Requests: 1\r\n'
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
    "Sec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-User: ?1\r\nSec-Fetch-Dest: document\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n"
    "Cookie: session=3f2a9c; theme=dark\r\n"
)
WRK_HEAD = "Host: 127.0.0.1:7001\r\nUser-Agent: wrk\r\nAccept: */*\r\n"


EGG_APP = ROOT / "bench" / "e2e" / "egg_app"


def drive(path: str, count: int, head: str = WRK_HEAD, egg: bool = False) -> None:
    """Serve ``count`` requests to ``path``, one at a time, on a mock transport."""
    sys.path.insert(0, str(ROOT / "bench" / "e2e"))
    sys.path.insert(0, str(ROOT / "tests" / "protocol"))
    import uvloop
    from eggfast_app import build
    from wire import MockTransport

    from eggfast.server import _protocol
    from eggfast.server.limits import ServerLimits

    request = f"GET {path} HTTP/1.1\r\n{head}\r\n".encode()

    class Transport(MockTransport):
        waiter: asyncio.Future | None = None

        def write(self, data: bytes) -> None:
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(None)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        transport = Transport()
        if egg:
            import eggfast

            app = await eggfast.start(base_dir=str(EGG_APP))
        else:
            app = build()
        protocol = _protocol.HttpProtocol(app.callback(), loop, ServerLimits(), None)
        transport.protocol = protocol
        protocol.connection_made(transport)
        for _ in range(count):
            transport.waiter = loop.create_future()
            loop.call_soon(protocol.data_received, request)
            await transport.waiter
        if egg:
            await app.close()

    uvloop.run(main())


def count_instructions(path: str, count: int, env: dict, extra: list) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__, "--drive", path, str(count)]
            + extra,
            env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        summary = re.search(r"^summary:\s*(\d+)", out.read_text(), re.MULTILINE)
        if summary is None:
            raise RuntimeError("callgrind wrote no summary")
        return int(summary.group(1))


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--drive"]:
        drive(args[1], int(args[2]), BROWSER_HEAD if "browser" in args[3:] else WRK_HEAD, "egg" in args[3:])
        return 0
    pure = "--pure" in args
    extra = (["browser"] if "--browser-head" in args else []) + (["egg"] if "--egg" in args else [])
    paths = [a for a in args if not a.startswith("--")] or ["/"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGGFAST_")}
    env["EGGFAST_NO_EXTENSIONS" if pure else "EGGFAST_REQUIRE_EXTENSIONS"] = "1"
    for path in paths:
        few, many = (count_instructions(path, n, env, extra) for n in (500, 1500))
        what = ("Egg app " if "egg" in extra else "") + path + (", browser head" if "browser" in extra else "")
        print(f"{'pure' if pure else 'compiled'} {what}: {(many - few) / 1000:,.0f} instructions per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
