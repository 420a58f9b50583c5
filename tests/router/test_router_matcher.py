"""Matcher contract, run on both twins through the ``matcher_twin`` fixture."""
from __future__ import annotations

import pytest

from eggfast import twins as _speedups
from eggfast.router import Router, build_table, parse_path

from router_helpers import noop


def make(twin, *routes) -> Router:
    router = Router(matcher=twin.module)
    for method, path in routes:
        router.register(path, None if method == "ALL" else (method,), [noop], f"{method} {path}")
    return router.freeze()


def hit(router: Router, method: str, path: str):
    route, params, allowed = router.match(method, path)
    return (route.name if route is not None else None, params, allowed)


def test_matcher_c_loaded():
    from eggfast.router import _matcher

    if _speedups.REQUIRE_EXTENSIONS:
        assert _matcher.matcher_c is not None
        assert _matcher.Matcher is _matcher.MatcherC
        assert _speedups.ACTIVE["matcher"] == "cython"
    elif _speedups.NO_EXTENSIONS:
        assert _matcher.Matcher is _matcher.MatcherPy
        assert _speedups.ACTIVE["matcher"] == "python"
    else:
        expected = "cython" if _matcher.matcher_c is not None else "python"
        assert _speedups.ACTIVE["matcher"] == expected


def test_static_param_wildcard_priority(matcher_twin):
    r = make(matcher_twin, ("GET", "/a/*rest"), ("GET", "/a/:id"), ("GET", "/a/new"))
    assert hit(r, "GET", "/a/new") == ("GET /a/new", {}, None)
    assert hit(r, "GET", "/a/7") == ("GET /a/:id", {"id": "7"}, None)
    assert hit(r, "GET", "/a/7/8") == ("GET /a/*rest", {"rest": "7/8"}, None)


def test_backtracking_static_dead_end(matcher_twin):
    r = make(matcher_twin, ("GET", "/r/git/refs"), ("GET", "/r/:fmt/:ref"), ("GET", "/r/git/refs/*ref"))
    assert hit(r, "GET", "/r/git/refs") == ("GET /r/git/refs", {}, None)
    assert hit(r, "GET", "/r/git/main") == ("GET /r/:fmt/:ref", {"fmt": "git", "ref": "main"}, None)
    assert hit(r, "GET", "/r/git/refs/heads/x") == ("GET /r/git/refs/*ref", {"ref": "heads/x"}, None)


def test_backtracking_is_per_method(matcher_twin):
    r = make(matcher_twin, ("GET", "/g/public"), ("GET", "/g/:id"), ("DELETE", "/g/:id"))
    assert hit(r, "DELETE", "/g/public") == ("DELETE /g/:id", {"id": "public"}, None)
    assert hit(r, "PUT", "/g/public") == (None, None, ("DELETE", "GET", "HEAD", "OPTIONS"))


def test_params_keep_registration_order(matcher_twin):
    r = make(matcher_twin, ("GET", "/n/:id(\\d+)"), ("GET", "/n/:name"), ("GET", "/m/:name"), ("GET", "/m/:id(\\d+)"))
    assert hit(r, "GET", "/n/12") == ("GET /n/:id(\\d+)", {"id": "12"}, None)
    assert hit(r, "GET", "/n/ab") == ("GET /n/:name", {"name": "ab"}, None)
    assert hit(r, "GET", "/m/12") == ("GET /m/:name", {"name": "12"}, None)


def test_regex_must_match_whole_segment(matcher_twin):
    r = make(matcher_twin, ("GET", "/n/:id(\\d+)"))
    assert hit(r, "GET", "/n/12a") == (None, None, None)
    assert hit(r, "GET", "/n/007") == ("GET /n/:id(\\d+)", {"id": "007"}, None)


def test_optional_param(matcher_twin):
    r = make(matcher_twin, ("GET", "/user/:id?"))
    assert hit(r, "GET", "/user") == ("GET /user/:id?", {}, None)
    assert hit(r, "GET", "/user/") == ("GET /user/:id?", {}, None)
    assert hit(r, "GET", "/user/9") == ("GET /user/:id?", {"id": "9"}, None)
    assert hit(r, "GET", "/user/9/x") == (None, None, None)


def test_bare_wildcard_and_root(matcher_twin):
    r = make(matcher_twin, ("GET", "/"), ("GET", "/static/*"))
    assert hit(r, "GET", "/") == ("GET /", {}, None)
    assert hit(r, "GET", "//") == ("GET /", {}, None)
    assert hit(r, "GET", "/static/css/a.css") == ("GET /static/*", {"*": "css/a.css"}, None)
    assert hit(r, "GET", "/static") == (None, None, None)
    assert hit(r, "GET", "/static/") == (None, None, None)


def test_not_strict_and_case_sensitive(matcher_twin):
    r = make(matcher_twin, ("GET", "/user/repos"), ("GET", "/dir/"))
    assert hit(r, "GET", "/user/repos/")[0] == "GET /user/repos"
    assert hit(r, "GET", "/dir")[0] == "GET /dir/"
    assert hit(r, "GET", "/dir/")[0] == "GET /dir/"
    assert hit(r, "GET", "/User/repos") == (None, None, None)
    assert hit(r, "GET", "/user/repos//") == (None, None, None)


def test_empty_segment_never_binds_a_param(matcher_twin):
    r = make(matcher_twin, ("GET", "/repos/:owner/:repo/events"))
    assert hit(r, "GET", "/repos//x/events") == (None, None, None)
    assert hit(r, "GET", "/repos/o/x/events")[1] == {"owner": "o", "repo": "x"}


def test_percent_decoding(matcher_twin):
    r = make(matcher_twin, ("GET", "/u/:name"), ("GET", "/f/*path"))
    assert hit(r, "GET", "/u/caf%C3%A9")[1] == {"name": "café"}
    assert hit(r, "GET", "/u/a%2Fb")[1] == {"name": "a/b"}
    assert hit(r, "GET", "/u/a+b%20c")[1] == {"name": "a+b c"}
    assert hit(r, "GET", "/f/a%20b/c%2F")[1] == {"path": "a b/c/"}
    assert hit(r, "GET", "/u/café")[1] == {"name": "café"}
    for bad in ("/u/%zz", "/u/%e", "/u/%", "/u/%C3", "/u/%ff", "/u/%ED%A0%80"):
        assert hit(r, "GET", bad) == ("GET /u/:name", None, None), bad


def test_static_pattern_is_percent_encoded(matcher_twin):
    r = make(matcher_twin, ("GET", "/café"), ("GET", "/a b"))
    assert hit(r, "GET", "/caf%C3%A9")[0] == "GET /café"
    assert hit(r, "GET", "/a%20b")[0] == "GET /a b"


def test_head_options_all_and_allowed(matcher_twin):
    r = make(matcher_twin, ("GET", "/x"), ("POST", "/x"), ("ALL", "/any"), ("HEAD", "/h"), ("OPTIONS", "/o"))
    assert hit(r, "HEAD", "/x")[0] == "GET /x"
    assert hit(r, "DELETE", "/x") == (None, None, ("GET", "HEAD", "OPTIONS", "POST"))
    assert hit(r, "OPTIONS", "/x") == (None, None, ("GET", "HEAD", "OPTIONS", "POST"))
    assert hit(r, "PROPFIND", "/any")[0] == "ALL /any"
    assert hit(r, "GET", "/h") == (None, None, ("HEAD", "OPTIONS"))
    assert hit(r, "OPTIONS", "/o")[0] == "OPTIONS /o"
    assert hit(r, "get", "/x") == (None, None, ("GET", "HEAD", "OPTIONS", "POST"))


def test_explicit_head_beats_implicit_get(matcher_twin):
    r = make(matcher_twin, ("GET", "/x"), ("HEAD", "/x"))
    assert hit(r, "HEAD", "/x")[0] == "HEAD /x"
    assert hit(r, "GET", "/x")[0] == "GET /x"


def test_all_and_explicit_first_registered_wins(matcher_twin):
    r = make(matcher_twin, ("ALL", "/a"), ("GET", "/a"), ("GET", "/b"), ("ALL", "/b"))
    assert hit(r, "GET", "/a")[0] == "ALL /a"
    assert hit(r, "GET", "/b")[0] == "GET /b"
    assert hit(r, "POST", "/b")[0] == "ALL /b"


def test_odd_paths_are_misses(matcher_twin):
    r = make(matcher_twin, ("GET", "/"), ("GET", "/:x"))
    for path in ("", "*", "x", "http://h/x"):
        assert hit(r, "GET", path) == (None, None, None)
    assert hit(r, "GET", "/\udcff")[1] == {"x": "\udcff"}  # nothing to decode: kept as is
    assert hit(r, "GET", "/\udcff%41") == ("GET /:x", None, None)
    assert hit(r, "GET", "/ok\u4e2d")[1] == {"x": "ok\u4e2d"}


def test_bad_argument_types_raise_typeerror(matcher_twin):
    r = make(matcher_twin, ("GET", "/"))
    for method, path in ((b"GET", "/"), ("GET", b"/"), (None, "/"), ("GET", 1)):
        with pytest.raises(TypeError, match="method and path must be str"):
            r.match(method, path)


def test_params_dict_is_fresh(matcher_twin):
    r = make(matcher_twin, ("GET", "/"), ("GET", "/u/:id"))
    a = r.match("GET", "/")[1]
    a["x"] = 1
    assert r.match("GET", "/")[1] == {}
    assert r.match("GET", "/u/1")[1] is not r.match("GET", "/u/1")[1]


def test_table_limits_are_enforced(matcher_twin):
    deep = "".join(f"/:p{i}" for i in range(33))
    route = object()
    table = build_table([(parse_path("/".join(["", *["x"] * 3])), ("GET",), route)])
    assert matcher_twin.Matcher(table).match("GET", "/x/x/x")[0] is route
    tokens = [("p", f"p{i}", None, False) for i in range(33)]
    with pytest.raises(ValueError, match="more than 32"):
        matcher_twin.Matcher(build_table([(tokens, ("GET",), route)]))
    assert deep  # the router refuses such a route itself (tests/router/test_router_api.py)


def test_decode_param_function(matcher_twin):
    d = matcher_twin.decode_param
    assert d("abc") == "abc"
    assert d("%41%42") == "AB"
    assert d("%4") is None
    assert d("%G1") is None
    assert d("\udc80%41") is None
    assert d("%E4%B8%AD") == "\u4e2d"
