"""Matcher benchmark: ns per match, pure vs compiled twin vs falcon's CompiledRouter.

Run (the README/report command)::

    EGGFAST_REQUIRE_EXTENSIONS=1 python -m pytest bench/test_bench_matcher.py \
        --benchmark-only --benchmark-columns=min,median,rounds -q -s

Each benchmark round matches every request of a set once; the summary at the
end prints ns/match = round median / number of requests.  The sets are the
github route set of the Go router benchmark (203 routes, 203 requests, from
tests/data/routes) and a generated 5,000-route table (one request per
route).  Falcon does no method dispatch in ``find``; eggfast's matchers do.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any, Callable

import pytest

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "routes"
RESULTS: dict[tuple[str, str], tuple[float, float]] = {}


def _lines(name: str) -> list[str]:
    return [x for x in (DATA / name).read_text().splitlines() if x.strip() and not x.startswith("#")]


def github() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    routes = [tuple(x.split()) for x in _lines("github.txt")]
    requests = [tuple(x.split("\t")[:2]) for x in _lines("github-requests.txt")]
    return routes, requests  # type: ignore[return-value]


_SHAPES = (
    ("GET", "/svc{i}/items"), ("POST", "/svc{i}/items"), ("GET", "/svc{i}/items/:id"),
    ("DELETE", "/svc{i}/items/:id"), ("GET", "/svc{i}/items/:id/parts/:part"),
    ("GET", "/org{j}/svc{i}/members/:user"), ("PUT", "/org{j}/svc{i}/members/:user"),
    ("GET", "/org{j}/svc{i}/stats"), ("GET", "/v{k}/svc{i}/:owner/:repo/events"),
    ("GET", "/v{k}/svc{i}/:owner/:repo/commits/:sha"),
)
_VALUES = {"id": "1296269", "part": "wheel", "user": "mojombo", "owner": "octocat", "repo": "hello-world",
           "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"}


def generated(count: int = 5000) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``count`` routes over ``count // 10`` services; one request per route."""
    routes, requests = [], []
    for i in range(count // len(_SHAPES)):
        for method, shape in _SHAPES:
            pattern = shape.format(i=i, j=i % 50, k=i % 7)
            routes.append((method, pattern))
            path = "/".join(_VALUES[s[1:]] if s.startswith(":") else s for s in pattern.split("/"))
            requests.append((method, path))
    return routes, requests


SETS = {"github": github, "gen5000": generated}


async def _handler(ctx: Any) -> None:
    return None


def eggfast_finder(tag: str, routes: list[tuple[str, str]]) -> Callable[[str, str], Any]:
    from eggfast.router import Router

    module = importlib.import_module(f"eggfast.router._matcher_{tag}")
    router = Router(matcher=module)
    for method, path in routes:
        router.register(path, (method,), [_handler])
    router.freeze()
    return router._match  # type: ignore[return-value]


def falcon_finder(routes: list[tuple[str, str]]) -> Callable[[str], Any]:
    routing = pytest.importorskip("falcon.routing")
    router = routing.CompiledRouter()

    class Resource:
        def on_get(self, req: Any, resp: Any) -> None:  # pragma: no cover
            pass

    seen = set()
    for _method, path in routes:
        if path not in seen:
            seen.add(path)
            router.add_route(re.sub(r":(\w+)", r"{\1}", path), Resource())
    router.find("/")  # compile now, not in the first round
    return router.find


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest):
    yield
    if not RESULTS:
        return
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    write = reporter.write_line if reporter is not None else print
    write("")
    write("matcher ns/match (round time / requests): min / median")
    write(f"{'router':<10}" + "".join(f"{s:>18}" for s in SETS))
    for name in ("py", "c", "falcon"):
        cells = [RESULTS.get((name, s), (float("nan"), float("nan"))) for s in SETS]
        write(f"{name:<10}" + "".join(f"{lo:>10.0f} / {med:<5.0f}" for lo, med in cells))


@pytest.mark.parametrize("set_name", list(SETS))
@pytest.mark.parametrize("router_name", ["py", "c", "falcon"])
def test_bench_matcher(benchmark: Any, router_name: str, set_name: str) -> None:
    routes, requests = SETS[set_name]()
    if router_name == "falcon":
        match = falcon_finder(routes)
    else:
        try:
            match = eggfast_finder(router_name, routes)
        except ImportError:
            pytest.skip("compiled matcher not built")

    if router_name == "falcon":
        find = match

        def run() -> None:
            for _method, path in requests:  # same loop, no method dispatch
                find(path)
    else:

        def run() -> None:
            for method, path in requests:
                match(method, path)

    if router_name != "falcon":  # the benchmark must measure matches, not misses
        assert all(match(m, p)[0] is not None for m, p in requests)
    benchmark.group = f"matcher-{set_name}"
    benchmark.extra_info["requests"] = len(requests)
    benchmark(run)
    stats = benchmark.stats.stats
    RESULTS[(router_name, set_name)] = (stats.min / len(requests) * 1e9, stats.median / len(requests) * 1e9)
