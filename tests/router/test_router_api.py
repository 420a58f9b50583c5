"""Router API through its middleware, with a fake ctx, on both matcher twins."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from eggfast.errors import HttpError, RouterError
from eggfast.router import Router

from router_helpers import noop, run


@pytest.fixture
def router(matcher_twin) -> Router:
    return Router(matcher=matcher_twin.module)


def recorder(label: str):
    async def handler(ctx):
        ctx.trace.append(label)
        ctx.body = label

    return handler


async def test_verbs_and_ctx_fields(router):
    router.get("user", "/user/:id", recorder("get"))
    router.post("/user/:id", recorder("post"))
    router.put("/user/:id", recorder("put"))
    router.patch("/user/:id", recorder("patch"))
    router.del_("/user/:id", recorder("del"))
    router.options("/user/:id", recorder("options"))
    router.head("/h", recorder("head"))
    router.all("/any", recorder("all"))
    ctx = await run(router, "GET", "/user/42")
    assert (ctx.trace, ctx.params, ctx.router_name, ctx.router_path) == (["get"], {"id": "42"}, "user", "/user/:id")
    for method in ("POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        ctx = await run(router, method, "/user/42")
        assert ctx.trace == [method.lower() if method != "DELETE" else "del"]
        assert ctx.router_name is None
    assert (await run(router, "HEAD", "/user/1")).trace == ["get"]
    assert (await run(router, "HEAD", "/h")).trace == ["head"]
    assert (await run(router, "MKCOL", "/any")).trace == ["all"]
    assert router.delete == router.del_ or Router.delete is Router.del_


async def test_unknown_path_falls_through(router):
    router.get("/a", recorder("a"))
    ctx = await run(router, "GET", "/b")
    assert ctx.trace == ["next"] and ctx.status == 404


async def test_405_with_allow_and_options_204(router):
    router.get("/x", noop).post("/x", noop)
    ctx = await run(router, "DELETE", "/x")
    assert (ctx.status, ctx.headers["Allow"], ctx.trace) == (405, "GET, HEAD, OPTIONS, POST", [])
    ctx = await run(router, "OPTIONS", "/x/")
    assert (ctx.status, ctx.headers["Allow"], ctx.body) == (204, "GET, HEAD, OPTIONS, POST", None)


async def test_bad_percent_encoding_is_400(router):
    router.get("/u/:name", noop)
    with pytest.raises(HttpError) as info:
        await run(router, "GET", "/u/%E0%A4%A")
    assert info.value.status == 400


async def test_middleware_chain_and_next(router):
    async def mw1(ctx, next):
        ctx.trace.append("mw1 in")
        await next()
        ctx.trace.append("mw1 out")

    async def mw2(ctx, next):
        ctx.trace.append("mw2")
        await next()

    router.use(mw1)
    router.get("/p", mw2, recorder("handler"))
    ctx = await run(router, "GET", "/p")
    assert ctx.trace == ["mw1 in", "mw2", "handler", "mw1 out"]
    # router-level middleware only runs for matched routes
    assert (await run(router, "GET", "/nope")).trace == ["next"]


async def test_sync_and_callable_handlers(router):
    class Endpoint:
        def __call__(self, ctx):
            ctx.body = "callable"

    router.get("/sync", lambda ctx: setattr(ctx, "body", "sync"))
    router.get("/obj", Endpoint())
    assert (await run(router, "GET", "/sync")).body == "sync"
    assert (await run(router, "GET", "/obj")).body == "callable"


async def test_dotted_string_handlers(matcher_twin):
    async def index(ctx):
        ctx.body = "home"

    app = SimpleNamespace(controller=SimpleNamespace(home=SimpleNamespace(index=index), api={"v1": {"x": index}}))
    router = Router(app, matcher=matcher_twin.module)
    router.get("/", "home.index")
    router.get("home", "/home", "home.index")
    router.get("/x", "api.v1.x")
    with pytest.raises(RouterError, match=r"app\.controller\.home\.missing not exists"):
        router.get("/m", "home.missing")
    assert (await run(router, "GET", "/")).body == "home"
    assert (await run(router, "GET", "/home")).router_name == "home"
    assert (await run(router, "GET", "/x")).body == "home"
    with pytest.raises(RouterError, match=r"app\.controller\.x\.y not exists"):
        Router().get("/m", "x.y")


def test_url_building(router):
    router.get("user", "/user/:id", noop)
    router.get("file", "/files/*path", noop)
    router.get("opt", "/o/:a/:b?", noop)
    assert router.url("user", {"id": 3, "x": [1, 2]}) == "/user/3?x=1&x=2"
    assert router.url("user", {"id": "a b/c"}) == "/user/a%20b%2Fc"
    assert router.url("file", {"path": "a b/c.txt"}) == "/files/a%20b/c.txt"
    assert router.url("opt", {"a": 1}) == "/o/1"
    assert router.url("opt", {"a": 1, "b": "中"}) == "/o/1/%E4%B8%AD"
    assert router.url("nope", {"id": 1}) == ""
    with pytest.raises(RouterError, match="missing param 'id'"):
        router.url("user")
    router.freeze()
    assert router.url("user", {"id": 4}) == "/user/4"


async def test_redirect_to_path_and_name(router):
    router.get("target", "/new/place", noop)
    router.redirect("/old", "target")
    router.redirect("/away", "https://example.com/", 301)
    ctx = await run(router, "POST", "/old")
    assert (ctx.status, ctx.headers["Location"]) == (302, "/new/place")
    ctx = await run(router, "GET", "/away")
    assert (ctx.status, ctx.headers["Location"]) == (301, "https://example.com/")


async def test_prefix_applies_to_all_routes(router):
    router.get("a", "/a", recorder("a"))
    router.prefix("/api/")
    router.get("root", "/", recorder("root"))
    assert (await run(router, "GET", "/api/a")).router_path == "/api/a"
    assert (await run(router, "GET", "/api")).trace == ["root"]
    assert (await run(router, "GET", "/a")).trace == ["next"]
    assert router.url("a") == "/api/a"


async def test_nested_routers(matcher_twin):
    parent = Router(matcher=matcher_twin.module, prefix="/api")
    child = Router(prefix="/v1")

    async def tag(ctx, next):
        ctx.trace.append("child mw")
        await next()

    child.use(tag)
    child.get("item", "/items/:id", recorder("item"))
    parent.use("/shop", child)
    parent.get("/ping", recorder("ping"))
    ctx = await run(parent, "GET", "/api/shop/v1/items/3")
    assert ctx.trace == ["child mw", "item"]
    assert ctx.params == {"id": "3"} and ctx.router_path == "/api/shop/v1/items/:id"
    assert (await run(parent, "GET", "/api/ping")).trace == ["ping"]
    assert parent.url("item", {"id": 5}) == "/api/shop/v1/items/5"
    with pytest.raises(RouterError, match="frozen"):
        child.get("/late", noop)


class Posts:
    async def index(ctx): ctx.body = "index"  # noqa: E704
    async def new(ctx): ctx.body = "new"  # noqa: E704
    async def create(ctx): ctx.body = "create"  # noqa: E704
    async def show(ctx): ctx.body = "show"  # noqa: E704
    async def edit(ctx): ctx.body = "edit"  # noqa: E704
    async def update(ctx): ctx.body = "update"  # noqa: E704
    async def destroy(ctx): ctx.body = "destroy"  # noqa: E704


async def test_resources_seven_actions(router):
    router.resources("posts", "/posts", Posts)
    table = [(r.methods, r.path, r.name) for r in router.stack]
    assert table == [
        (("GET",), "/posts", "posts"),
        (("GET",), "/posts/new", "new_post"),
        (("POST",), "/posts", "posts"),
        (("GET",), "/posts/:id", "post"),
        (("GET",), "/posts/:id/edit", "edit_post"),
        (("PUT", "PATCH"), "/posts/:id", "post"),
        (("DELETE",), "/posts/:id", "destroy_post"),
    ]
    cases = [("GET", "/posts", "index"), ("GET", "/posts/new", "new"), ("POST", "/posts", "create"),
             ("GET", "/posts/1", "show"), ("GET", "/posts/1/edit", "edit"), ("PUT", "/posts/1", "update"),
             ("PATCH", "/posts/1", "update"), ("DELETE", "/posts/1", "destroy")]
    for method, path, body in cases:
        assert (await run(router, method, path)).body == body
    assert router.url("post", {"id": 9}) == "/posts/9"
    assert router.url("edit_post", {"id": 9}) == "/posts/9/edit"


async def test_resources_partial_controller_and_middleware(router):
    seen = []

    async def mw(ctx, next):
        seen.append(ctx.path)
        await next()

    router.resources("categories", "/categories", mw, {"index": recorder("index"), "show": recorder("show")})
    assert (await run(router, "GET", "/categories/new")).params == {"id": "new"}
    ctx = await run(router, "POST", "/categories")
    assert (ctx.status, ctx.headers["Allow"]) == (405, "GET, HEAD, OPTIONS")
    assert seen == ["/categories/new"]
    assert router.url("category", {"id": 1}) == "/categories/1"


def test_duplicate_route_names_both(router):
    router.get("first", "/u/:id", noop)
    router.get("second", "/u/:uid", noop)
    with pytest.raises(RouterError, match=r"/u/:uid.*second.*/u/:id.*first"):
        router.freeze()


def test_same_pattern_other_method_is_fine(router):
    router.get("/u/:id", noop).post("/u/:id", noop).all("/u/:id", noop)
    router.freeze()


def test_frozen_router_refuses_routes(router):
    router.get("/a", noop)
    router.freeze()
    assert router.freeze() is router
    for register in (lambda: router.get("/b", noop), lambda: router.use(noop), lambda: router.prefix("/x")):
        with pytest.raises(RouterError, match="frozen"):
            register()


@pytest.mark.parametrize(
    "path, message",
    [
        ("nope", "must start with '/'"),
        ("/a//b", "empty segment"),
        ("/a/*x/b", "must be the last"),
        ("/a/:1", "bad param"),
        ("/a/:x/:x", "repeated"),
        ("/a/:x([)", "bad regex"),
        ("".join(f"/:p{i}" for i in range(33)), "more than 32"),
    ],
)
def test_bad_patterns(router, path, message):
    with pytest.raises(RouterError, match=message):
        router.get(path, noop)


def test_bad_arguments(router):
    with pytest.raises(RouterError, match="no handler"):
        router.get("/a")
    with pytest.raises(RouterError, match="needs a path"):
        router.get(noop)
    with pytest.raises(RouterError, match="must be callable"):
        router.get("/a", 42)
    with pytest.raises(RouterError):
        router.use(42)


async def test_handler_only_routes_skip_the_onion_and_keep_its_behaviour(router):
    async def boom(ctx):
        raise HttpError(418, "teapot")

    async def mw(ctx, next):
        ctx.trace.append("mw")
        await next()

    router.get("/only", recorder("only"))
    router.get("/boom", boom)
    router.get("/chain", mw, recorder("handler"))
    routes = {r.path: r for r in router.stack}
    assert routes["/only"].dispatch is routes["/only"].stack[0]  # the endpoint itself
    assert routes["/chain"].dispatch is not routes["/chain"].stack[0]  # composed
    assert (await run(router, "GET", "/only")).trace == ["only"]
    assert (await run(router, "GET", "/chain")).trace == ["mw", "handler"]
    with pytest.raises(HttpError) as info:
        await run(router, "GET", "/boom")
    assert info.value.status == 418
