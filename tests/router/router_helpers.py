"""Helpers for the router tests: the shared route data, a fake ctx, a raw HTTP client."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Optional

from eggfast.errors import HttpError
from eggfast.router import Router

DATA = Path(__file__).resolve().parents[1] / "data" / "routes"
SETS = ("github", "gplus", "parse", "static")


def _lines(name: str) -> list[str]:
    return [x for x in (DATA / name).read_text().splitlines() if x.strip() and not x.startswith("#")]


def load_routes(name: str) -> list[tuple[str, str]]:
    """``[(METHOD, pattern)]`` of ``<name>.txt``, in source order."""
    return [tuple(x.split()) for x in _lines(f"{name}.txt")]  # type: ignore[misc]


def load_requests(name: str) -> list[tuple[str, str, dict, str]]:
    """``[(METHOD, path, params, pattern)]`` of ``<name>-requests.txt``."""
    out = []
    for line in _lines(f"{name}-requests.txt"):
        method, path, params, pattern = line.split("\t")
        out.append((method, path, json.loads(params), pattern))
    return out


def load_tsv(name: str) -> list[list[str]]:
    return [x.split("\t") for x in _lines(name)]


def with_allow_extras(methods: list[str]) -> list[str]:
    """The data files list neither HEAD nor OPTIONS; eggfast's Allow does."""
    out = set(methods) | {"OPTIONS"}
    if "GET" in out:
        out.add("HEAD")
    return sorted(out)


async def noop(ctx: Any) -> None:
    return None


def router_for(routes: list[tuple[str, str]], matcher: Any = None, app: Any = None) -> Router:
    router = Router(app, matcher=matcher)
    for method, pattern in routes:
        router.register(pattern, (method,), [noop])
    return router.freeze()


class FakeCtx:
    """The part of a Koa context the router touches."""

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.params: dict = {}
        self.router_name: Optional[str] = None
        self.router_path: Optional[str] = None
        self.status = 404
        self.body: Any = None
        self.headers: dict[str, str] = {}
        self.trace: list[str] = []

    def set(self, name: str, value: str) -> None:
        self.headers[name] = value

    def throw(self, status: int, msg: Optional[str] = None) -> None:
        raise HttpError(status, msg)

    def redirect(self, url: str) -> None:
        """Records the target; the real answer is tested in tests/core/test_core_router_redirect.py."""
        self.headers["Location"] = url
        if not 300 <= self.status < 400:
            self.status = 302


async def run(router: Router, method: str, path: str) -> FakeCtx:
    """Run the router middleware on a fake ctx; a fall-through sets ``trace=['next']``."""
    ctx = FakeCtx(method, path)

    async def next_() -> None:
        ctx.trace.append("next")

    await router.routes()(ctx, next_)
    return ctx


async def http(port: int, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request on a fresh socket; ``(status, headers, body)``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n".encode("latin-1"))
        await writer.drain()
        data = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body
