"""CSRF on the request path, both context twins: tokens in the right and wrong places, empty,
from another secret; the referer types; api_only; the 403's body and log line."""
from __future__ import annotations

import json
import re

import pytest

from security_helpers import call
from eggfast.errors import ConfigError
from eggfast.plugins.security.csrf import create_token, new_secret, verify_token

SECRET = "Sx2y7GQw9pXkR3LmN5bV8cT1"  # the shape of Egg's secrets (base64url): still accepted
OTHER = "Qa1b2c3d4e5f6g7h8i9j0kLm"
COOKIE = {"cookie": f"csrfToken={SECRET}"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON_TYPE = {"content-type": "application/json"}


def cookie_secret(stream) -> str:
    found = re.search(r"csrfToken=([^;]*)", stream.header("set-cookie") or "")
    return found.group(1) if found else ""


# --- the secret cookie ---------------------------------------------------------------


async def test_a_get_without_the_cookie_gets_one_readable_by_scripts(app):
    res = await call(app, "GET", "/")
    assert res.status == 200
    line = res.header("set-cookie")
    secret = cookie_secret(res)
    assert re.fullmatch(r"[0-9a-f]{32}", secret)
    assert "httponly" not in line.lower() and "samesite=Lax" in line and "path=/" in line
    assert (await call(app, "GET", "/", headers={"cookie": f"csrfToken={secret}"})).header("set-cookie") is None


async def test_a_malformed_secret_cookie_is_replaced(app):
    res = await call(app, "GET", "/", headers={"cookie": "csrfToken=short"})
    assert cookie_secret(res) not in ("", "short")


# --- tokens that pass --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_the_secret_itself_in_the_header_passes(app, method):
    res = await call(app, method, "/submit", headers={**COOKIE, "x-csrf-token": SECRET})
    assert res.status == 200 and json.loads(res.body) == {"ok": True, "method": method}


async def test_ctx_csrf_passes_in_header_query_form_and_json_body(app):
    token = json.loads((await call(app, "GET", "/token", headers=COOKIE)).body)["csrf"]
    assert token != SECRET and verify_token(SECRET, token)
    assert (await call(app, "POST", "/submit", headers={**COOKIE, "x-csrf-token": token})).status == 200
    assert (await call(app, "POST", f"/submit?_csrf={token}", headers=COOKIE)).status == 200
    form = await call(app, "POST", "/submit", headers={**COOKIE, **FORM}, body=f"_csrf={token}&a=1".encode())
    assert form.status == 200
    body = json.dumps({"_csrf": token}).encode()
    assert (await call(app, "POST", "/submit", headers={**COOKIE, **JSON_TYPE}, body=body)).status == 200


async def test_each_read_of_ctx_csrf_is_a_new_token(app):
    first = json.loads((await call(app, "GET", "/token", headers=COOKIE)).body)["csrf"]
    second = json.loads((await call(app, "GET", "/token", headers=COOKIE)).body)["csrf"]
    assert first != second and verify_token(SECRET, first) and verify_token(SECRET, second)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
async def test_safe_methods_are_not_checked(app, method):
    assert (await call(app, method, "/submit")).status != 403


# --- tokens that fail ----------------------------------------------------------------------


async def test_no_cookie_is_missing_csrf_token_naming_the_cookie_and_sets_one(app):
    res = await call(app, "POST", "/submit", headers={"x-csrf-token": SECRET})
    assert res.status == 403
    assert res.text.startswith("missing csrf token: the request has no csrfToken cookie")
    assert "security.csrf.ignore" in res.text
    assert cookie_secret(res)  # the next attempt can succeed


async def test_no_token_names_every_place_it_was_looked_for(app):
    res = await call(app, "POST", "/submit", headers=COOKIE)
    assert res.status == 403
    assert res.text.startswith("missing csrf token: none in header x-csrf-token, query _csrf or body _csrf.")
    assert "Fix: send ctx.csrf in header x-csrf-token, query _csrf or body _csrf, or skip the check for this " \
           "path with security.csrf.ignore." in res.text


@pytest.mark.parametrize("headers,url,body", [
    ({"x-xsrf-token": SECRET}, "/submit", b""),          # Angular's header name
    ({"csrf-token": SECRET}, "/submit", b""),
    ({}, f"/submit?csrf={SECRET}", b""),                    # query without the underscore
    ({**FORM}, "/submit", f"csrf={SECRET}".encode()),       # body field with another name
    ({"x-csrf-token": ""}, "/submit", b""),                 # empty header
    ({}, "/submit?_csrf=", b""),                            # empty query value
    ({**FORM}, "/submit", b"_csrf="),                       # empty form field
])
async def test_a_token_in_the_wrong_place_or_empty_is_missing(app, headers, url, body):
    res = await call(app, "POST", url, headers={**COOKIE, **headers}, body=body)
    assert res.status == 403 and res.text.startswith("missing csrf token: none in")


async def test_the_cookie_value_itself_is_not_a_token_place(app):
    res = await call(app, "POST", "/submit", headers={"cookie": f"csrfToken={SECRET}; _csrf={SECRET}"})
    assert res.status == 403 and res.text.startswith("missing csrf token")


@pytest.mark.parametrize("token", [
    OTHER,                                   # another session's secret
    create_token(OTHER),                     # a token made from another secret
    (lambda t: t[:-1] + ("B" if t[-1] == "A" else "A"))(create_token(SECRET)),  # a tampered token
    create_token(SECRET).replace(".", "-"),  # no separator
    SECRET + "x",
    "ёжик",                                  # not ASCII
    "a" * 5000,
])
async def test_a_token_from_another_secret_or_tampered_is_invalid(app, token):
    res = await call(app, "POST", "/submit", headers={**COOKIE, "x-csrf-token": token})
    assert res.status == 403
    assert res.text.startswith("invalid csrf token: the token in header x-csrf-token does not match the "
                               "csrfToken cookie")


async def test_a_non_string_token_in_a_json_body_is_invalid(app):
    body = json.dumps({"_csrf": [SECRET]}).encode()
    res = await call(app, "POST", "/submit", headers={**COOKIE, **JSON_TYPE}, body=body)
    assert res.status == 403 and res.text.startswith("invalid csrf token: the token in body")


async def test_a_token_is_bound_to_its_secret():
    secret, other = new_secret(), new_secret()
    token = create_token(secret)
    assert verify_token(secret, token) and not verify_token(other, token)
    assert not verify_token("", token) and not verify_token(secret, "") and not verify_token(secret, None)


async def test_json_clients_get_the_message_as_json_and_a_warn_line_is_logged(app, warnings_of):
    seen = warnings_of(app)
    res = await call(app, "POST", "/submit", headers={**COOKIE, "accept": "application/json"})
    assert res.status == 403 and res.header("content-type").startswith("application/json")
    assert json.loads(res.body)["message"].startswith("missing csrf token: none in header x-csrf-token")
    assert any(line.startswith("403 CsrfError: missing csrf token: none in header x-csrf-token") or
               "] 403 CsrfError: missing csrf token: none in header" in line for line in seen), seen


async def test_the_403_keeps_the_security_headers(app):
    res = await call(app, "POST", "/submit")
    assert res.status == 403 and res.header("x-frame-options") == "SAMEORIGIN"


async def test_the_handler_does_not_run_after_a_failed_check(app):
    res = await call(app, "DELETE", "/submit", headers=COOKIE)
    assert res.status == 403 and b'"ok"' not in res.body


# --- ignore / match / switches ----------------------------------------------------------------


async def test_an_ignored_path_needs_no_token(app):
    assert (await call(app, "POST", "/hook")).status == 200


@pytest.mark.parametrize("rule", [re.compile(r"^/sub"), lambda ctx: ctx.path == "/submit", ["/x", "/submit"]])
async def test_ignore_takes_regex_callable_and_lists(secure_app, rule):
    app = secure_app({"security": {"csrf": {"ignore": rule}}})
    assert (await call(app, "POST", "/submit")).status == 200
    assert (await call(app, "POST", "/hook")).status == 403  # the fixture's own ignore was replaced


async def test_match_limits_the_check_to_some_paths(secure_app):
    app = secure_app({"security": {"csrf": {"ignore": None, "match": "/submit"}}})
    assert (await call(app, "POST", "/submit")).status == 403
    assert (await call(app, "POST", "/hook")).status == 200


async def test_csrf_off_sets_no_cookie_and_checks_nothing(secure_app):
    app = secure_app({"security": {"csrf": {"enable": False}}})
    res = await call(app, "POST", "/submit")
    assert res.status == 200 and res.header("set-cookie") is None


async def test_ignore_json_skips_json_requests_only(secure_app):
    app = secure_app({"security": {"csrf": {"ignore_json": True}}})
    assert (await call(app, "POST", "/submit", headers={**COOKIE, **JSON_TYPE}, body=b"{}")).status == 200
    assert (await call(app, "POST", "/submit", headers={**COOKIE, **FORM}, body=b"a=1")).status == 403


async def test_supported_requests_choose_the_checked_methods(secure_app):
    app = secure_app({"security": {"csrf": {"supported_requests": [{"path": "/", "methods": ["DELETE"]}]}}})
    assert (await call(app, "POST", "/submit")).status == 200
    assert (await call(app, "DELETE", "/submit")).status == 403


async def test_rotate_csrf_secret_at_login_invalidates_old_tokens(app):
    res = await call(app, "POST", "/login", headers={**COOKIE, "x-csrf-token": SECRET})
    assert res.status == 200
    fresh = cookie_secret(res)
    assert fresh and fresh != SECRET
    token = json.loads(res.body)["csrf"]
    assert verify_token(fresh, token) and not verify_token(SECRET, token)
    new_cookie = {"cookie": f"csrfToken={fresh}"}
    assert (await call(app, "POST", "/submit", headers={**new_cookie, "x-csrf-token": SECRET})).status == 403
    assert (await call(app, "POST", "/submit", headers={**new_cookie, "x-csrf-token": token})).status == 200


async def test_rotate_when_invalid_sets_a_new_secret(secure_app):
    app = secure_app({"security": {"csrf": {"rotate_when_invalid": True}}})
    res = await call(app, "POST", "/submit", headers={**COOKIE, "x-csrf-token": OTHER})
    assert res.status == 403 and cookie_secret(res) not in ("", SECRET)


async def test_assert_csrf_in_a_handler_answers_403_with_the_message(app):
    res = await call(app, "GET", "/assert", headers=COOKIE)
    assert res.status == 403 and "missing csrf token" in res.text
    assert (await call(app, "GET", "/assert", headers={**COOKIE, "x-csrf-token": SECRET})).text == "passed"


# --- api_only ------------------------------------------------------------------------------------


async def test_api_only_sets_no_cookie_on_gets_and_reads_the_header_only(secure_app):
    app = secure_app({"security": {"csrf": {"api_only": True}}})
    assert (await call(app, "GET", "/")).header("set-cookie") is None
    res = await call(app, "GET", "/token")
    secret = cookie_secret(res)
    token = json.loads(res.body)["csrf"]
    assert secret and verify_token(secret, token)
    cookie = {"cookie": f"csrfToken={secret}"}
    assert (await call(app, "POST", f"/submit?_csrf={token}", headers=cookie)).status == 403
    form = await call(app, "POST", "/submit", headers={**cookie, **FORM}, body=f"_csrf={token}".encode())
    assert form.status == 403 and form.text.startswith("missing csrf token: none in header x-csrf-token.")
    assert (await call(app, "POST", "/submit", headers={**cookie, "x-csrf-token": token})).status == 200
    nocookie = await call(app, "POST", "/submit", headers={"x-csrf-token": token})
    assert nocookie.status == 403 and "when ctx.csrf is read" in nocookie.text
    assert nocookie.header("set-cookie") is None


# --- referer types -------------------------------------------------------------------------------


@pytest.mark.parametrize("referer,status,cause", [
    (None, 403, "missing csrf referer"),
    ("http://example.com/page", 200, None),
    ("https://example.com:8443/x", 200, None),
    ("http://partner.org/a", 200, None),
    ("http://sub.partner.org/a", 200, None),
    ("http://evil.com/", 403, "invalid csrf referer"),
    ("http://example.com.evil.com/", 403, "invalid csrf referer"),
    ("http://evilpartner.org/", 403, "invalid csrf referer"),
    ("http://example.com@evil.com/", 403, "invalid csrf referer"),
    ("javascript:alert(1)//example.com", 403, "invalid csrf referer"),
    ("not a url", 403, "invalid csrf referer"),
])
async def test_referer_type(secure_app, referer, status, cause):
    app = secure_app({"security": {"csrf": {"type": "referer", "referer_white_list": ["partner.org"]}}})
    res = await call(app, "POST", "/submit", headers={"referer": referer} if referer else None)
    assert res.status == status
    if cause:
        assert res.text.startswith(cause) and "security.csrf.referer_white_list" in res.text
    assert res.header("set-cookie") is None  # the referer type keeps no secret


async def test_all_needs_both_and_any_needs_one(secure_app):
    same = {"referer": "http://example.com/"}
    token = {**COOKIE, "x-csrf-token": SECRET}
    both = secure_app({"security": {"csrf": {"type": "all"}}})
    assert (await call(both, "POST", "/submit", headers=token)).text.startswith("missing csrf referer")
    assert (await call(both, "POST", "/submit", headers=same)).text.startswith("missing csrf token")
    assert (await call(both, "POST", "/submit", headers={**token, **same})).status == 200
    either = secure_app({"security": {"csrf": {"type": "any"}}})
    assert (await call(either, "POST", "/submit", headers=token)).status == 200
    assert (await call(either, "POST", "/submit", headers=same)).status == 200
    res = await call(either, "POST", "/submit", headers={"referer": "http://evil.com/"})
    assert res.status == 403 and res.text.startswith("both ctoken and referer check error: missing csrf token")
    assert "invalid csrf referer" in res.text


# --- config errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("csrf,message", [
    ({"type": "cookie"}, "config.security.csrf.type must be one of ctoken, referer, all, any"),
    ({"ignoreJSON": True}, "config.security.csrf.ignoreJSON is Egg's name: use ignore_json"),
    ({"match": "/a", "ignore": "/b"}, "match and ignore can not both be set"),
    ({"ignore": 42}, "match/ignore must be a path"),
])
def test_bad_csrf_config_stops_start_up(secure_app, csrf, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        secure_app({"security": {"csrf": csrf}})


@pytest.mark.parametrize("tls", [False, True])
async def test_the_fast_secret_cookie_line_is_what_ctx_cookies_set_writes(app, tls):
    from eggfast.plugins.security.csrf import plant_secret
    from eggfast.plugins.security.options import security_options
    from eggfast.testing import RecordingStream, make_raw

    options = security_options(app).csrf
    fast = app.context_class(app, make_raw("GET", "/", tls=tls), RecordingStream())
    secret = plant_secret(fast, options)
    slow = app.context_class(app, make_raw("GET", "/", tls=tls), RecordingStream())
    slow.cookies.set("csrfToken", secret, signed=False, http_only=False, overwrite=True)
    def lines(value):
        return value if isinstance(value, list) else [value]

    assert lines(fast.response.get("set-cookie")) == lines(slow.response.get("set-cookie"))
    assert lines(fast.response.get("set-cookie"))[0].endswith("; secure") is tls


async def test_the_secret_cookie_is_appended_to_cookies_set_before(secure_app):
    app = secure_app()

    async def earlier(ctx, next):
        ctx.cookies.set("theme", "dark", signed=False)
        await next()

    app.middleware.insert(0, earlier)
    res = await call(app, "GET", "/")
    lines = [v for n, v in res.headers if n.lower() == "set-cookie"]
    assert lines[0].startswith("theme=dark") and lines[1].startswith("csrfToken=")


async def test_cookie_options_and_domain_go_through_ctx_cookies_set(secure_app):
    app = secure_app({"security": {"csrf": {"cookie_domain": "example.com", "cookie_options": {"max_age": 60}}}})
    line = (await call(app, "GET", "/")).header("set-cookie")
    assert "domain=example.com" in line and "max-age=60" in line


async def test_rotating_after_a_first_visit_cookie_leaves_one_cookie_line(app):
    ctx = app.create_anonymous_context()
    assert ctx.csrf
    first = ctx.response.get("set-cookie")
    ctx.rotate_csrf_secret()  # once per request: the secret planted above is already new
    assert ctx.response.get("set-cookie") == first
    ctx.ensure_csrf_secret(rotate=True)
    lines = ctx.response.get("set-cookie")
    lines = lines if isinstance(lines, list) else [lines]
    assert len([line for line in lines if line.startswith("csrfToken=")]) == 1
    assert lines[0] != first


def test_a_bad_trusted_proxy_stops_start_up(secure_app):
    with pytest.raises(ConfigError, match="config.trusted_proxies"):
        secure_app({"trusted_proxies": ["10.0.0.0/40"]})


@pytest.mark.parametrize("cookie", [
    f"theme=dark; csrfToken={SECRET}",
    f"x=csrfToken=nope; csrfToken={SECRET}",
    f"csrfToken={SECRET}; session=1",
])
async def test_the_secret_is_found_among_other_cookies(app, cookie):
    res = await call(app, "POST", "/submit", headers={"cookie": cookie, "x-csrf-token": SECRET})
    assert res.status == 200 and res.header("set-cookie") is None


async def test_a_cookie_name_inside_another_value_is_not_the_secret(app):
    res = await call(app, "POST", "/submit", headers={"cookie": f"x=csrfToken={SECRET}", "x-csrf-token": SECRET})
    assert res.status == 403 and "no csrfToken cookie" in res.text
