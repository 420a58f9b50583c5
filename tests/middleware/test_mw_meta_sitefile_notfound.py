"""meta (x-readtime), site_file (favicon and friends), notfound (HTML / JSON / page_url)."""
from __future__ import annotations

import asyncio
import re

import pytest

from eggfast.app.middleware import meta, notfound, site_file
from eggfast.app.middleware.meta import format_ms
from eggfast.defaults import CONFIG


# --- meta -----------------------------------------------------------------------------


async def test_meta_sets_readtime_after_downstream(new_app, request_app):
    app = new_app()
    app.use(meta.middleware(CONFIG["meta"], app))

    async def slow(ctx, next):
        await asyncio.sleep(0.02)
        ctx.body = "ok"

    app.use(slow)
    res = await request_app(app)
    assert res.status == 200
    value = res.header("x-readtime")
    assert re.fullmatch(r"\d+(\.\d{1,3})?", value)
    assert float(value) >= 15


async def test_meta_no_header_when_downstream_raises(new_app, request_app):
    app = new_app()
    app.use(meta.middleware({}, app))

    async def boom(ctx, next):
        raise RuntimeError("x")

    app.use(boom)
    res = await request_app(app)
    assert res.status == 500
    assert res.header("x-readtime") is None


async def test_meta_records_start_times(new_app, request_app):
    app = new_app()
    app.use(meta.middleware({}, app))
    seen = {}

    async def look(ctx, next):
        seen["perf"] = ctx.performance_starttime
        seen["start"] = ctx.starttime
        ctx.body = "x"

    app.use(look)
    await request_app(app)
    assert seen["perf"] > 0 and seen["start"] > 1e9


async def test_meta_logging_option_writes_core_log(new_app, request_app):
    app = new_app()
    lines = []

    class Capture:
        def info(self, msg, *args):
            lines.append(msg % args)

    app.core_logger = Capture()
    app.use(meta.middleware({"logging": True}, app))
    await request_app(app, headers={"user-agent": "probe/1"})
    assert lines == ["[meta] request started, host: example.com, user-agent: probe/1"]


@pytest.mark.parametrize("ms, text", [
    (1.5, "1.5"), (0.1234, "0.123"), (2.0, "2"), (0.0004, "0"), (12.3456, "12.345"), (0.001, "0.001"),
    (0.0019, "0.001"), (100.0, "100"), (1234.5678, "1234.567"), (86400000.25, "86400000.25"), (0.1, "0.1"),
])
def test_format_ms_like_js_numbers(ms, text):
    assert format_ms(ms) == text


# --- site_file ------------------------------------------------------------------------


async def test_favicon_redirects_by_default(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware(CONFIG["site_file"], app))
    res = await request_app(app, "GET", "/favicon.ico")
    assert res.status == 302
    assert res.header("location") == "https://eggjs.org/favicon.png"


async def test_site_file_bytes_served_with_cache_control(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware({"/robots.txt": b"User-agent: *\n", "cache_max_age": 60}, app))
    res = await request_app(app, "GET", "/robots.txt")
    assert res.status == 200
    assert res.body == b"User-agent: *\n"
    assert res.header("cache-control") == "public, max-age=60"
    assert res.header("content-type").startswith("text/plain")


async def test_site_file_default_max_age_is_thirty_days(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware({"/favicon.ico": b"\x00\x01"}, app))
    res = await request_app(app, "GET", "/favicon.ico")
    assert res.header("cache-control") == "public, max-age=2592000"
    assert res.header("content-type") == "image/x-icon"


async def test_site_file_head_has_no_body(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware({"/favicon.ico": b"abcd"}, app))
    res = await request_app(app, "HEAD", "/favicon.ico")
    assert res.status == 200 and res.body == b""
    assert res.header("content-length") == "4"


async def test_site_file_cache_control_verbatim(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware({"/a.txt": b"a", "cache_control": "no-store"}, app))
    res = await request_app(app, "GET", "/a.txt")
    assert res.header("cache-control") == "no-store"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_site_file_only_get_and_head(new_app, request_app, method):
    app = new_app()
    app.use(site_file.middleware({"/favicon.ico": b"x"}, app))

    async def downstream(ctx, next):
        ctx.body = "downstream"

    app.use(downstream)
    res = await request_app(app, method, "/favicon.ico")
    assert res.body == b"downstream"


async def test_site_file_other_paths_pass(new_app, request_app):
    app = new_app()
    app.use(site_file.middleware(CONFIG["site_file"], app))

    async def downstream(ctx, next):
        ctx.body = "downstream"

    app.use(downstream)
    assert (await request_app(app, "GET", "/favicon.png")).body == b"downstream"
    assert (await request_app(app, "GET", "/favicon.ico/x")).body == b"downstream"


async def test_site_file_callable_values(new_app, request_app):
    app = new_app()

    async def robots(ctx):
        return b"dynamic" if ctx.query.get("x") else None

    app.use(site_file.middleware({"/robots.txt": robots, "/go": lambda ctx: "/elsewhere"}, app))

    async def downstream(ctx, next):
        ctx.body = "downstream"

    app.use(downstream)
    assert (await request_app(app, "GET", "/robots.txt?x=1")).body == b"dynamic"
    assert (await request_app(app, "GET", "/robots.txt")).body == b"downstream"
    res = await request_app(app, "GET", "/go")
    assert res.status == 302 and res.header("location") == "/elsewhere"


# --- notfound -------------------------------------------------------------------------


async def test_notfound_html_by_default(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware(CONFIG["notfound"], app))
    res = await request_app(app, "GET", "/nope", headers={"accept": "text/html"})
    assert res.status == 404
    assert res.text == "<h1>404 Not Found</h1>"
    assert res.header("content-type") == "text/html; charset=utf-8"


async def test_notfound_without_accept_is_html(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({}, app))
    res = await request_app(app, "GET", "/nope")
    assert res.text == "<h1>404 Not Found</h1>"


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/nope", {"accept": "application/json"}),
        ("/data.json", {"accept": "text/html"}),
        ("/nope", {"accept": "application/json, text/plain;q=0.5"}),
    ],
)
async def test_notfound_json_when_client_accepts_json(new_app, request_app, url, headers):
    app = new_app()
    app.use(notfound.middleware({}, app))
    res = await request_app(app, "GET", url, headers=headers)
    assert res.status == 404
    assert res.json() == {"message": "Not Found"}
    assert res.header("content-type") == "application/json; charset=utf-8"


async def test_notfound_json_when_response_type_is_json(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({}, app))

    async def typed(ctx, next):
        ctx.type = "json"

    app.use(typed)
    res = await request_app(app, "GET", "/x", headers={"accept": "text/html"})
    assert res.json() == {"message": "Not Found"}


async def test_notfound_keeps_a_body_set_downstream(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({}, app))

    async def body404(ctx, next):
        ctx.status = 404
        ctx.body = "custom missing"

    app.use(body404)
    res = await request_app(app, "GET", "/x")
    assert res.status == 404 and res.text == "custom missing"


async def test_notfound_fills_explicit_404_without_body(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({}, app))

    async def only_status(ctx, next):
        ctx.status = 404

    app.use(only_status)
    res = await request_app(app, "GET", "/x")
    assert res.status == 404 and res.text == "<h1>404 Not Found</h1>"


async def test_notfound_ignores_other_statuses(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({}, app))

    async def created(ctx, next):
        ctx.status = 201

    app.use(created)
    res = await request_app(app, "GET", "/x")
    assert res.status == 201 and res.text == "Created"


async def test_notfound_page_url_redirects_html_clients(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({"page_url": "/404.html"}, app))
    res = await request_app(app, "GET", "/missing", headers={"accept": "text/html"})
    assert res.status == 302
    assert res.header("location") == "/404.html"
    # JSON clients still get JSON
    res = await request_app(app, "GET", "/missing", headers={"accept": "application/json"})
    assert res.status == 404 and res.json() == {"message": "Not Found"}


async def test_notfound_page_url_itself_unimplemented(new_app, request_app):
    app = new_app()
    app.use(notfound.middleware({"page_url": "/404.html"}, app))
    res = await request_app(app, "GET", "/404.html", headers={"accept": "text/html"})
    assert res.status == 404
    assert res.text.startswith("<h1>404 Not Found</h1>")
    assert "config.notfound.page_url(/404.html)" in res.text and "unimplemented" in res.text


async def test_notfound_sets_real_status_on_redirect(new_app, request_app):
    app = new_app()
    statuses = []

    async def outer(ctx, next):
        await next()
        statuses.append(getattr(ctx, "real_status", None))

    app.use(outer)
    app.use(notfound.middleware({"page_url": "/404"}, app))
    await request_app(app, "GET", "/x")
    assert statuses == [404]
