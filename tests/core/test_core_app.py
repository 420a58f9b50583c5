"""The core objects end to end: Application.use(mw) + app.handler(raw, stream)."""
from __future__ import annotations

import dataclasses
import io

from eggfast.koa.application import Application


def make_app(*middleware, **config):
    app = Application(config or None)
    app.errors = []
    app.on("error", lambda err, ctx=None: app.errors.append(err))
    for mw in middleware:
        app.use(mw)
    return app


async def test_hello(run_app):
    async def hello(ctx, next):
        ctx.body = "Hello World"

    s = await run_app(make_app(hello))
    assert (s.status, s.reason, s.body) == (200, "OK", b"Hello World")
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") == "11"


async def test_no_middleware_is_404(run_app):
    s = await run_app(make_app())
    assert (s.status, s.body) == (404, b"Not Found")


async def test_onion_order_and_state(run_app):
    async def outer(ctx, next):
        ctx.state["trail"] = ["a1"]
        await next()
        ctx.state["trail"].append("a2")
        ctx.body = ctx.state["trail"]

    async def inner(ctx, next):
        ctx.state["trail"].append("b")

    s = await run_app(make_app(outer, inner))
    assert s.body == b'["a1","b","a2"]'
    assert s.header("Content-Type") == "application/json; charset=utf-8"


async def test_dict_and_dataclass_bodies(run_app):
    @dataclasses.dataclass
    class Item:
        id: int
        tags: list

    async def mw(ctx, next):
        ctx.body = Item(1, ["x"]) if ctx.path == "/item" else {"ok": True}

    app = make_app(mw)
    s = await run_app(app, "GET", "/item")
    assert s.body == b'{"id":1,"tags":["x"]}'
    s = await run_app(app, "GET", "/other")
    assert s.body == b'{"ok":true}'
    assert s.header("Content-Length") == "11"


async def test_status_201_without_body(run_app):
    async def mw(ctx, next):
        ctx.status = 201

    s = await run_app(make_app(mw))
    assert (s.status, s.body) == (201, b"Created")
    assert s.header("Content-Type") == "text/plain; charset=utf-8"


async def test_throw_400_exposed(run_app):
    async def mw(ctx, next):
        ctx.throw(400, "bad")

    app = make_app(mw)
    s = await run_app(app)
    assert (s.status, s.body) == (400, b"bad")
    assert len(app.errors) == 1 and app.errors[0].status == 400


async def test_throw_500_hidden(run_app):
    async def mw(ctx, next):
        ctx.throw(500, "secret")

    s = await run_app(make_app(mw))
    assert (s.status, s.body) == (500, b"Internal Server Error")


async def test_header_then_raise_drops_header(run_app):
    async def mw(ctx, next):
        ctx.set("X-Powered", "yes")
        ctx.body = "partial"
        raise RuntimeError("boom")

    app = make_app(mw)
    s = await run_app(app)
    assert s.status == 500
    assert s.header("X-Powered") is None
    assert s.body == b"Internal Server Error"
    assert str(app.errors[0]) == "boom"


async def test_error_after_next_replaces_downstream_body(run_app):
    async def outer(ctx, next):
        await next()
        ctx.throw(403, "nope")

    async def inner(ctx, next):
        ctx.body = "secret data"

    s = await run_app(make_app(outer, inner))
    assert (s.status, s.body) == (403, b"nope")


async def test_invalid_status_becomes_500(run_app):
    async def mw(ctx, next):
        ctx.status = 1000

    s = await run_app(make_app(mw))
    assert s.status == 500


async def test_invalid_header_value_becomes_500(run_app):
    async def mw(ctx, next):
        ctx.set("X-Split", "a\r\nSet-Cookie: evil=1")
        ctx.body = "ok"

    app = make_app(mw)
    s = await run_app(app)
    assert (s.status, s.body) == (500, b"Internal Server Error")
    assert s.header("X-Split") is None and s.header("Set-Cookie") is None
    assert len(app.errors) == 1


async def test_head_on_json(run_app):
    async def mw(ctx, next):
        ctx.body = {"hello": "world"}

    app = make_app(mw)
    get = await run_app(app, "GET", "/")
    head = await run_app(app, "HEAD", "/")
    assert head.status == 200
    assert head.body == b""
    assert head.header("Content-Length") == get.header("Content-Length") == str(len(get.body))


async def test_streamed_body_error_after_head(run_app):
    async def gen():
        yield b"first"
        raise RuntimeError("stream broke")

    async def mw(ctx, next):
        ctx.body = gen()

    app = make_app(mw)
    s = await run_app(app)
    assert s.calls[:2] == ["start", "write"]
    assert s.aborted
    assert app.errors[0].header_sent is True


async def test_file_body(run_app):
    async def mw(ctx, next):
        ctx.type = "txt"
        ctx.body = io.BytesIO(b"file content")

    s = await run_app(make_app(mw))
    assert s.body == b"file content"
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") is None


async def test_redirect_back_end_to_end(run_app):
    async def mw(ctx, next):
        ctx.redirect("back", "/home")

    app = make_app(mw)
    s = await run_app(app, headers={"referer": "/prev", "accept": "text/plain"})
    assert (s.status, s.header("Location"), s.body) == (302, "/prev", b"Redirecting to /prev.")
    s = await run_app(app)
    assert s.header("Location") == "/home"
    assert s.body == b'Redirecting to <a href="/home">/home</a>.'


async def test_conditional_get_with_etag(run_app):
    async def mw(ctx, next):
        ctx.status = 200
        ctx.etag = "v1"
        if ctx.fresh:
            ctx.status = 304
            return
        ctx.body = "fresh content"

    app = make_app(mw)
    s = await run_app(app, headers={"if-none-match": '"v1"'})
    assert (s.status, s.body) == (304, b"")
    assert s.header("ETag") == '"v1"'
    s = await run_app(app, headers={"if-none-match": '"v0"'})
    assert (s.status, s.body) == (200, b"fresh content")


async def test_query_and_proxy_end_to_end(run_app):
    async def mw(ctx, next):
        ctx.body = {"q": ctx.query, "all": ctx.queries, "ip": ctx.ip, "ips": ctx.ips, "protocol": ctx.protocol}

    app = make_app(mw, proxy=True, max_ips_count=2)
    s = await run_app(app, "GET", "/?a=1&a=2", headers={"x-forwarded-for": "a, b, c", "x-forwarded-proto": "https"})
    assert s.body == b'{"q":{"a":"1"},"all":{"a":["1","2"]},"ip":"b","ips":["b","c"],"protocol":"https"}'


async def test_attachment_end_to_end(run_app):
    async def mw(ctx, next):
        ctx.attachment("report.json")
        ctx.body = b"{}"

    s = await run_app(make_app(mw))
    assert s.header("Content-Disposition") == 'attachment; filename="report.json"'
    assert s.header("Content-Type") == "application/json; charset=utf-8"


async def test_respond_false(run_app, stream_cls):
    stream = stream_cls()

    async def mw(ctx, next):
        ctx.respond = False
        ctx.response.stream.send(299, "Custom", [("Content-Length", "2")], b"hi")

    s = await run_app(make_app(mw), stream=stream)
    assert s is stream and (s.status, s.body) == (299, b"hi")
    assert s.calls == ["send"]


async def test_current_context_is_the_context(run_app):
    seen = []
    app = make_app()

    async def mw(ctx, next):
        seen.append(app.current_context is ctx)
        ctx.body = ""

    app.use(mw)
    s = await run_app(app)
    assert seen == [True]
    assert (s.status, s.body, s.header("Content-Length")) == (200, b"", "0")


def test_the_egg_application_takes_the_context_twin_too(context_twin):
    import eggfast

    app = eggfast.Application(context_twin=context_twin)
    assert app.context_twin is context_twin
    assert issubclass(app.context_class, context_twin.context.Context)
    assert issubclass(app.response_class, context_twin.response.Response)
