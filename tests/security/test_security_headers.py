"""Security headers, methodnoallow (TRACE/TRACK) and dta (traversal in many encodings), both twins."""
from __future__ import annotations

import re

import pytest

from security_helpers import call
from eggfast.errors import ConfigError
from eggfast.plugins.security.paths import is_safe_path

DEFAULT_HEADERS = {
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "x-download-options": "noopen",
    "x-xss-protection": "0",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def security_headers(res) -> dict:
    return {name: res.header(name) for name in DEFAULT_HEADERS}


@pytest.mark.parametrize("method,url,status", [("GET", "/", 200), ("GET", "/nope", 404), ("GET", "/boom", 500),
                                               ("POST", "/submit", 403), ("TRACE", "/", 405)])
async def test_default_headers_on_every_response(app, method, url, status):
    res = await call(app, method, url)
    assert res.status == status
    assert security_headers(res) == DEFAULT_HEADERS
    assert res.header("strict-transport-security") is None
    assert res.header("content-security-policy") is None


async def test_a_handler_may_override_a_header(secure_app):
    app = secure_app()

    async def deny(ctx, next):
        await next()
        ctx.set("X-Frame-Options", "DENY")

    app.use(deny)
    assert (await call(app, "GET", "/")).header("x-frame-options") == "DENY"


async def test_each_header_can_be_switched_off_or_changed(secure_app):
    app = secure_app({"security": {"xframe": {"value": "DENY"}, "nosniff": {"enable": False}, "noopen": False,
                                   "xss_protection": {"value": "1; mode=block"},
                                   "referrer_policy": {"value": "no-referrer"}}})
    res = await call(app, "GET", "/")
    assert res.header("x-frame-options") == "DENY" and res.header("x-content-type-options") is None
    assert res.header("x-download-options") is None and res.header("x-xss-protection") == "1; mode=block"
    assert res.header("referrer-policy") == "no-referrer"


async def test_ignore_on_a_header_part(secure_app):
    app = secure_app({"security": {"xframe": {"ignore": "/form"}}})
    assert (await call(app, "GET", "/form")).header("x-frame-options") is None
    assert (await call(app, "GET", "/")).header("x-frame-options") == "SAMEORIGIN"


async def test_hsts_is_off_by_default_even_over_https(app):
    assert (await call(app, "GET", "/", tls=True)).header("strict-transport-security") is None


async def test_hsts_only_over_https(secure_app):
    app = secure_app({"security": {"hsts": {"enable": True, "include_subdomains": True}}})
    assert (await call(app, "GET", "/")).header("strict-transport-security") is None
    res = await call(app, "GET", "/", tls=True)
    assert res.header("strict-transport-security") == "max-age=31536000; includeSubDomains"


async def test_hsts_behind_a_proxy_needs_a_trusted_peer(secure_app):
    app = secure_app({"proxy": True, "security": {"hsts": {"enable": True}}})
    https = {"x-forwarded-proto": "https"}
    assert (await call(app, "GET", "/", headers=https)).header("strict-transport-security") == "max-age=31536000"
    untrusted = await call(app, "GET", "/", headers=https, peer=("203.0.113.9", 4000))
    assert untrusted.header("strict-transport-security") is None


async def test_csp_with_the_request_nonce(secure_app):
    policy = {"default-src": "'self'", "script-src": ["'self'", ".cdn.example"], "sandbox": True}
    app = secure_app({"security": {"csp": {"enable": True, "policy": policy}}})
    res = await call(app, "GET", "/nonce")
    nonce = res.text
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", nonce)
    assert res.header("content-security-policy") == (
        f"default-src 'self'; script-src 'self' *.cdn.example 'nonce-{nonce}'; sandbox")
    other = await call(app, "GET", "/nonce")
    assert other.text != nonce and f"'nonce-{other.text}'" in other.header("content-security-policy")


async def test_csp_report_only_and_without_script_src(secure_app):
    app = secure_app({"security": {"csp": {"enable": True, "report_only": True,
                                           "policy": {"default-src": "'self'"}}}})
    res = await call(app, "GET", "/")
    assert res.header("content-security-policy-report-only") == "default-src 'self'"
    assert res.header("content-security-policy") is None


@pytest.mark.parametrize("security,message", [
    ({"referrer_policy": {"value": "sometimes"}}, "config.security.referrer_policy.value must be one of"),
    ({"csp": {"enable": True}}, "config.security.csp.policy must be a non-empty dict"),
    ({"xframe": {"value": "DENY\r\nSet-Cookie: a=b"}}, "must not contain CR, LF or NUL"),
    ({"xssProtection": {"enable": False}}, "config.security.xssProtection is Egg's name: use xss_protection"),
    ({"xframe": "DENY"}, "config.security.xframe must be a dict"),
])
def test_bad_header_config_stops_start_up(secure_app, security, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        secure_app({"security": security})


# --- methodnoallow ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
async def test_trace_and_track_are_405(app, method):
    res = await call(app, method, "/")
    assert res.status == 405


async def test_trace_by_method_override_is_405_too(app):
    res = await call(app, "POST", "/submit", headers={"x-http-method-override": "TRACE"})
    assert res.status == 405


async def test_methodnoallow_can_be_turned_off(secure_app):
    app = secure_app({"security": {"methodnoallow": {"enable": False}}})
    res = await call(app, "TRACE", "/")  # the router's own 405 for a path without TRACE
    assert res.status == 405 and res.header("allow") and "security.methodnoallow" not in res.text
    app = secure_app()
    assert "security.methodnoallow" in (await call(app, "TRACE", "/")).text


# --- dta ----------------------------------------------------------------------------------------

TRAVERSALS = [
    "/../etc/passwd",
    "/a/../../etc/passwd",
    "/..",
    "/a/..",
    "/%2e%2e/etc/passwd",
    "/%2E%2E/etc/passwd",
    "/%2e./etc",
    "/.%2E/etc",
    "/..%2fetc%2fpasswd",
    "/%2e%2e%2fetc%2fpasswd",
    "/..%5cwindows",
    "/..\\windows",
    "/a\\..\\..\\windows",
    "/%252e%252e/etc/passwd",
    "/%25252e%25252e/etc",
    "/%c0%ae%c0%ae/etc/passwd",
    "/%e0%80%ae%e0%80%ae/etc",
    "/%u002e%u002e/etc",
    "/%ef%bc%8e%ef%bc%8e/etc",
    "/..;/admin",
    "/static/..%3b/admin",
    "/.. /etc",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_traversal_segments_in_any_encoding_are_400(app, path):
    assert not is_safe_path(path)
    res = await call(app, "GET", path)
    assert res.status == 400 and "security.dta" in res.text


@pytest.mark.parametrize("path", ["/a.b/c.d", "/file...txt", "/..foo/bar", "/a/.../b", "/v1.2/x..y",
                                  "/%2e/x", "/a%2fb", "/100%25", "/%41"])
async def test_paths_with_dots_that_do_not_climb_pass(app, path):
    assert is_safe_path(path)
    assert (await call(app, "GET", path)).status == 404


async def test_query_strings_are_not_paths(app):
    assert (await call(app, "GET", "/?file=../../etc/passwd")).status == 200


async def test_dta_can_be_turned_off(secure_app):
    app = secure_app({"security": {"dta": {"enable": False}}})
    assert (await call(app, "GET", "/%2e%2e/x")).status == 404
