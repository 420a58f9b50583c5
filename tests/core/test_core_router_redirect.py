"""``router.redirect(src, dst)`` answers exactly as ``ctx.redirect(dst)`` does, on both core twins."""
from __future__ import annotations

import pytest

from eggfast.koa.application import Application
from eggfast.errors import RouterError

HTML = {"accept": "text/html"}
TEXT = {"accept": "text/plain"}


def apps(context_twin, destination: str, status: int = 302) -> tuple[Application, Application]:
    """(an app using router.redirect, an app whose handler calls ctx.redirect) for one destination."""
    via_router = Application(context_twin=context_twin)
    via_router.router.get("target", "/new/place", lambda ctx: None)
    via_router.router.redirect("/old", destination, status)

    via_ctx = Application(context_twin=context_twin)

    async def handler(ctx, next):
        ctx.status = status
        ctx.redirect("/new/place" if destination == "target" else destination)

    via_ctx.use(handler)
    return via_router, via_ctx


def answer(stream):
    return stream.status, stream.header("Location"), stream.header("Content-Type"), stream.body


@pytest.mark.parametrize("headers", [HTML, TEXT, {}], ids=["html", "text", "any"])
@pytest.mark.parametrize("destination, status", [
    ("target", 302),                          # a route name, resolved when the request comes
    ("https://example.com/a?x=1&y=<2>", 301),  # escaped in HTML, encoded in Location
    ("/plain path", 308),
])
async def test_router_redirect_answers_like_ctx_redirect(context_twin, run_app, headers, destination, status):
    via_router, via_ctx = apps(context_twin, destination, status)
    got = answer(await run_app(via_router, "GET", "/old", headers=headers))
    assert got == answer(await run_app(via_ctx, "GET", "/old", headers=headers))
    assert got[0] == status


async def test_router_redirect_html_body(context_twin, run_app):
    via_router, _ = apps(context_twin, "https://example.com/a?x=1&y=<2>", 301)
    s = await run_app(via_router, "POST", "/old", headers=HTML)
    assert s.status == 301
    assert s.header("Location") == "https://example.com/a?x=1&y=%3C2%3E"
    assert s.header("Content-Type") == "text/html; charset=utf-8"
    assert s.body == (b'Redirecting to <a href="https://example.com/a?x=1&amp;y=&lt;2&gt;">'
                      b"https://example.com/a?x=1&amp;y=&lt;2&gt;</a>.")


async def test_router_redirect_text_body_and_route_name(context_twin, run_app):
    via_router, _ = apps(context_twin, "target")
    s = await run_app(via_router, "GET", "/old", headers=TEXT)
    assert (s.status, s.header("Location"), s.body) == (302, "/new/place", b"Redirecting to /new/place.")
    assert s.header("Content-Type") == "text/plain; charset=utf-8"


def test_router_redirect_needs_a_redirect_status():
    app = Application()
    with pytest.raises(RouterError, match="redirect status"):
        app.router.redirect("/old", "/new", 200)
