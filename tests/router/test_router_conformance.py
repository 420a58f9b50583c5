"""The shared route sets (tests/data/routes): every request vector, through the
matcher on both twins and through the real HTTP server."""
from __future__ import annotations

import json

import pytest

from eggfast.koa.application import Application
from eggfast.router import Router

from router_helpers import SETS, http, load_requests, load_routes, load_tsv, router_for, with_allow_extras


@pytest.mark.parametrize("set_name", SETS)
def test_request_vectors_match(matcher_twin, set_name):
    router = router_for(load_routes(set_name), matcher_twin.module)
    vectors = load_requests(set_name)
    assert len(vectors) == len(load_routes(set_name))
    for method, path, params, pattern in vectors:
        route, got, allowed = router.match(method, path)
        assert route is not None, (method, path)
        assert (route.path, route.methods, got, allowed) == (pattern, (method,), params, None), (method, path)


def _negative_expectation(expected: str, note: str) -> tuple[int, list[str] | None]:
    if "trailing slash" in note:
        return 200, None  # eggfast is not strict (SPEC §8), like Koa/Egg
    if expected.startswith("405"):
        return 405, with_allow_extras(expected.split()[1].split(","))
    return 404, None


def test_github_negative(matcher_twin):
    router = router_for(load_routes("github"), matcher_twin.module)
    rows = load_tsv("github-negative.txt")
    assert len(rows) == 25
    for method, path, expected, note in rows:
        status, allow = _negative_expectation(expected, note)
        route, params, allowed = router.match(method, path)
        if status == 200:
            assert route is not None and route.path == "/user/repos"
        elif status == 404:
            assert (route, params, allowed) == (None, None, None), path
        else:
            assert route is None and list(allowed) == allow, path


def test_github_full_edges(matcher_twin):
    router = router_for(load_routes("github-full"), matcher_twin.module)
    rows = load_tsv("github-full-edge.txt")
    assert len(rows) == 9
    for method, path, expected, params, _note in rows:
        route, got, allowed = router.match(method, path)
        if expected.startswith("200"):
            _, exp_method, pattern = expected.split()
            assert route is not None, path
            assert (route.path, exp_method in route.methods, got) == (pattern, True, json.loads(params)), path
        else:
            assert route is None and list(allowed) == with_allow_extras(expected.split()[1].split(",")), path


# --------------------------------------------------------------------------- real server
async def echo(ctx):
    ctx.body = {"method": ctx.method, "pattern": ctx.router_path, "params": ctx.params}


def _echo_router(routes, matcher=None, app=None) -> Router:
    router = Router(app, matcher=matcher)
    for method, pattern in routes:
        router.register(pattern, (method,), [echo])
    return router


async def _serve(app: Application):
    server = await app.create_server("127.0.0.1", 0)
    return server


async def _check_vectors(port: int, set_name: str) -> None:
    for method, path, params, pattern in load_requests(set_name):
        status, _headers, body = await http(port, method, path)
        assert status == 200, (method, path, status, body)
        assert json.loads(body) == {"method": method, "pattern": pattern, "params": params}


@pytest.mark.parametrize("set_name", SETS)
async def test_server_request_vectors(matcher_twin, set_name):
    app = Application(silent=True)
    app.use(_echo_router(load_routes(set_name), matcher_twin.module).routes())
    server = await _serve(app)
    try:
        await _check_vectors(server.port, set_name)
    finally:
        server.close()
        await server.wait_closed()


async def test_server_github_negative_and_edges(matcher_twin):
    app = Application(silent=True)
    app.use(_echo_router(load_routes("github"), matcher_twin.module).routes())
    full = Application(silent=True)
    full.use(_echo_router(load_routes("github-full"), matcher_twin.module).routes())
    server, full_server = await _serve(app), await _serve(full)
    try:
        for method, path, expected, note in load_tsv("github-negative.txt"):
            status, allow = _negative_expectation(expected, note)
            got, headers, _ = await http(server.port, method, path)
            assert got == status, (method, path)
            if allow is not None:
                assert headers["allow"] == ", ".join(allow)
        for method, path, expected, params, _note in load_tsv("github-full-edge.txt"):
            got, headers, body = await http(full_server.port, method, path)
            if expected.startswith("200"):
                assert got == 200, (method, path)
                assert json.loads(body)["pattern"] == expected.split()[2]
                assert json.loads(body)["params"] == json.loads(params)
            else:
                assert got == 405 and headers["allow"] == ", ".join(with_allow_extras(expected.split()[1].split(",")))
        status, headers, body = await http(server.port, "OPTIONS", "/user/emails")
        assert (status, headers["allow"], body) == (204, "DELETE, GET, HEAD, OPTIONS, POST", b"")
        status, headers, body = await http(server.port, "HEAD", "/user/emails")
        assert (status, body) == (200, b"")
        status, _, _ = await http(server.port, "GET", "/repos/%zz/hello-world/events")
        assert status == 400
    finally:
        for s in (server, full_server):
            s.close()
            await s.wait_closed()


async def test_app_router_is_mounted_last_and_frozen():
    app = Application(silent=True)
    seen = []

    async def outer(ctx, next):
        seen.append("outer")
        await next()

    app.use(outer)
    for method, pattern in load_routes("gplus"):
        app.router.register(pattern, (method,), [echo])
    app.router.get("named", "/named/:x", echo)
    server = await _serve(app)
    try:
        await _check_vectors(server.port, "gplus")
        assert seen and set(seen) == {"outer"}
        assert app.router.frozen
        assert app.router.url("named", {"x": "a b"}) == "/named/a%20b"
        status, _, _ = await http(server.port, "GET", "/nowhere")
        assert status == 404
    finally:
        server.close()
        await server.wait_closed()
