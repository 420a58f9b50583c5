"""Safe redirect: every open-redirect shape goes to ``/``; ``back`` only to this host; both twins.
Koa-only apps keep Koa's redirect."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from security_helpers import call
from eggfast.koa.application import Application
from eggfast.plugins.security.domains import is_safe_domain, redirect_target
from eggfast.testing import RecordingStream, make_raw

WHITE = ["a.com", ".good.org"]

#: shapes that leave the site whatever the white list says
ALWAYS_HOME = [
    "//evil.com",
    "///evil.com",
    "/\\evil.com",
    "/\\/evil.com",
    "\\\\evil.com",
    "  //evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    "/x\r\nSet-Cookie: a=b",
    "http://a.com/\r\nLocation: http://evil.com",
    "/\x00/evil.com",
    "https:evil.com",
    "https:/evil.com",
    "http:\\\\evil.com",
    "HTTPS:evil.com",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://a.com/",
    "http://a@evil.com",
    "http://a.com@evil.com",
    "http://a.com:80@evil.com/",
    "http://evil.com%2f.a.com/",
    "http://evil.com%00.a.com/",
    "http://[::1",
    "http:///evil.com",
    "http://",
    "evil.com",
    "a.com/path",
    "",
]

#: foreign hosts that only the white list keeps out
FOREIGN = [
    "http://evil.com/",
    "https://evil.com",
    "HTTP://EVIL.COM/",
    "http://a.com.evil.com/",
    "http://evila.com/",
    "http://evil.com\\@a.com/",
    "http://evil.com\\.a.com/",
    "http://evil.com#@a.com",
    "http://evil.com?@a.com",
    "http://good.org.evil.com/",
]


async def location(app, target: str, env_app=None) -> str:
    res = await call(env_app or app, "GET", "/go?to=" + quote(target, safe=""))
    assert res.status == 302, (target, res.status, res.text)
    return res.header("location")


@pytest.mark.parametrize("target", ALWAYS_HOME)
async def test_open_redirect_shapes_go_home(secure_app, target):
    for config in ({}, {"security": {"domain_white_list": WHITE}}):
        app = secure_app(config)
        assert await location(app, target) == "/", target


@pytest.mark.parametrize("target", FOREIGN)
async def test_foreign_hosts_go_home_when_a_white_list_is_set(secure_app, warnings_of, target):
    app = secure_app({"security": {"domain_white_list": WHITE}}, env="prod")
    seen = warnings_of(app)
    assert await location(app, target) == "/"
    assert any("config.security.domain_white_list" in line for line in seen)


@pytest.mark.parametrize("env", ["unittest", "local", "prod"])
async def test_the_white_list_rule_is_the_same_in_every_env(secure_app, env):
    app = secure_app({"security": {"domain_white_list": WHITE}}, env=env)
    assert await location(app, "http://evil.com/") == "/"
    assert await location(app, "http://www.a.com/x") == "http://www.a.com/x"


@pytest.mark.parametrize("target", ["http://a.com/x?y=1", "https://A.COM/", "http://www.a.com", "https://a.com:8443/",
                                    "http://deep.sub.good.org/p", "/local/path?x=1#frag", "/"])
async def test_white_listed_and_local_targets_are_kept(secure_app, target):
    app = secure_app({"security": {"domain_white_list": WHITE}})
    assert await location(app, target) == target.replace(" ", "%20")


async def test_without_a_white_list_any_plain_http_host_is_allowed_as_in_egg(app):
    assert await location(app, "https://elsewhere.example/x") == "https://elsewhere.example/x"


async def test_the_response_redirect_is_safe_too_and_unsafe_redirect_is_not(app):
    ctx = app.create_anonymous_context() if hasattr(app, "create_anonymous_context") else None
    assert ctx is not None
    ctx.response.redirect("//evil.com")
    assert ctx.response.get("location") == "/"
    ctx.unsafe_redirect("//evil.com")
    assert ctx.response.get("location") == "//evil.com"


# --- back ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("referer,alt,expected", [
    ("http://example.com/prev?x=1", None, "http://example.com/prev?x=1"),
    ("https://EXAMPLE.com/prev", None, "https://EXAMPLE.com/prev"),
    ("http://evil.com/", None, "/"),
    ("http://evil.com/", "/home", "/home"),
    ("http://evil.com/", "//evil.com", "/"),
    ("http://example.com.evil.com/", None, "/"),
    ("http://example.com@evil.com/", None, "/"),
    ("http://example.com:8080/", None, "/"),  # another port is another origin
    ("//evil.com/", None, "/"),
    ("javascript:alert(1)", None, "/"),
    ("/local", None, "/local"),
    (None, None, "/"),
    (None, "/fallback", "/fallback"),
])
async def test_back_follows_only_a_same_host_referer(app, referer, alt, expected):
    headers = {"referer": referer} if referer else {}
    url = "/back" + ("?alt=" + quote(alt, safe="") if alt else "")
    res = await call(app, "GET", url, headers=headers)
    assert res.status == 302 and res.header("location") == expected


# --- the rules themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("domain,safe", [
    ("a.com", True), ("www.a.com", True), ("A.COM", True), ("wwwa.com", False), ("a.com.evil", False),
    ("good.org", True), ("x.good.org", True), ("api.test.io", True), ("test.io", False), ("", False),
])
def test_is_safe_domain(domain, safe):
    assert is_safe_domain(domain, ["a.com", ".good.org", "*.test.io"]) is safe


def test_redirect_target_logs_what_the_white_list_refuses():
    refused = []
    assert redirect_target("http://evil.com/x", ("a.com",), lambda url, host: refused.append(host)) == "/"
    assert refused == ["evil.com"]


async def test_koa_only_apps_keep_koas_redirect(context_twin):
    app = Application(context_twin=context_twin)

    async def go(ctx, next):
        ctx.redirect("//evil.com")

    app.use(go)
    stream = RecordingStream()
    await app.handler(make_raw("GET", "/"), stream)
    assert stream.status == 302 and stream.header("location") == "//evil.com"
    assert stream.header("x-frame-options") is None
