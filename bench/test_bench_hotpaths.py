"""Microbenchmarks of the hot paths, each as ``[py]`` and ``[c]`` in one run.

    EGGFAST_REQUIRE_EXTENSIONS=1 python -m pytest bench/test_bench_hotpaths.py --benchmark-only

- compose: a chain of 1, 5 and 20 pass-through middleware, driven to completion;
- request: 100 requests, one after the other on one connection, each parsed
  by the protocol into a Context, routed and answered (the whole in-process
  request path, no sockets; protocol, compose, matcher, writer and the core
  Context/Request/Response/respond all of the one twin): divide the time by
  100 for one request;
- writer: one response head (status line + 6 headers) serialized.
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from conftest import load

sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "protocol"))


def _drive(coro):
    """Run a coroutine that never suspends, without an event loop."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise RuntimeError("coroutine suspended")


async def _passthrough(ctx, next):
    return await next()


@pytest.mark.parametrize("layers", [1, 5, 20])
def test_compose(benchmark, twin_tag, layers):
    composed = load("compose", twin_tag).compose([_passthrough] * layers)
    benchmark(lambda: _drive(composed({})))


def test_writer(benchmark, twin_tag):
    build_head = load("writer", twin_tag).build_head
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", "27"),
               ("X-Response-Time", "0.123ms"), ("Vary", "Accept-Encoding"), ("Cache-Control", "no-cache"),
               ("Date", "Wed, 25 Nov 2026 02:23:30 GMT")]
    benchmark(build_head, "1.1", 200, None, headers)


def test_writer_whole_response(benchmark, twin_tag):
    """What ResponseWriter.send writes for the usual response: head, Date line, body in one buffer."""
    build_response = load("writer", twin_tag).build_response
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", "27")]
    date = b"Date: Wed, 25 Nov 2026 02:23:30 GMT\r\n"
    benchmark(build_response, "1.1", 200, None, headers, date, b'{"message":"Hello, World!"}')


@pytest.mark.parametrize("path", ["/", "/json", "/user/1296269/post/42"])
def test_request_x100(benchmark, twin_tag, path):
    """100 requests, each: parse -> Context -> compose -> router -> handler -> respond -> writer."""
    from eggfast_app import build
    from wire import MockTransport

    from eggfast.koa._compose import compose_c, compose_py
    from eggfast.server.limits import ServerLimits

    from eggfast.twins import select

    protocol_mod = load("protocol", twin_tag)
    twins = select("context")
    app = build(context_twin=twins.compiled if twin_tag == "c" else twins.pure)
    app._compose = compose_c if twin_tag == "c" else compose_py
    app.router._matcher_module = load("matcher", twin_tag)
    handler = app.callback()
    loop = asyncio.new_event_loop()
    transport = MockTransport()
    protocol = protocol_mod.HttpProtocol(handler, loop, ServerLimits(), None)
    transport.protocol = protocol
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wrk\r\n\r\n".encode()

    async def hundred():
        for _ in range(100):
            protocol.data_received(request)
            while not transport.data:
                await asyncio.sleep(0)
            transport.data.clear()

    async def setup():
        protocol.connection_made(transport)

    loop.run_until_complete(setup())
    try:
        benchmark(lambda: loop.run_until_complete(hundred()))
        assert protocol_mod.__name__.endswith(twin_tag)
        assert type(app.context_twin.response).__name__ == "module"
        assert app.context_twin.response.__name__.endswith(twin_tag)
    finally:
        protocol.connection_lost(None)
        loop.run_until_complete(asyncio.sleep(0))
        loop.close()
