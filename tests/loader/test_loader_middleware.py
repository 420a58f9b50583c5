"""Middleware: order, options, match/ignore, router-level use, errors (SPEC §7)."""
from __future__ import annotations

import pytest

from loader_helpers import csrf_headers, fixture_dir, request


@pytest.fixture
def app(make_app):
    return make_app("middleware")


async def tags(app, path, method="GET"):
    return (await request(app, method, path, headers=csrf_headers())).json()["tags"]


def test_order_is_core_then_app(app):
    assert app.loader.middleware_names == [
        "meta", "site_file", "notfound", "body_parser", "override_method", "session", "securities", "multipart", "static",
        "tag_api", "tag_not_static", "tag_regex", "tag_fn", "tag_list",
    ]


async def test_match_prefix_on_segment_boundary(app):
    assert "api" in await tags(app, "/api")
    assert "api" in await tags(app, "/api/x")
    assert "api" not in await tags(app, "/apix")


async def test_ignore_regex_callable_and_lists(app):
    assert "not_static" not in await tags(app, "/static/a")
    assert "not_static" in await tags(app, "/")
    assert "regex" in await tags(app, "/a.json") and "regex" not in await tags(app, "/")
    assert "fn" in await tags(app, "/post", "POST") and "fn" not in await tags(app, "/")
    assert "list" in await tags(app, "/list/1") and "list" in await tags(app, "/xyz")
    assert "list" not in await tags(app, "/api")


async def test_disabled_middleware_still_usable_in_router(app):
    assert await tags(app, "/routed") == ["not_static", "route-level"]
    assert "off" not in await tags(app, "/")


def test_factories_exposed(app):
    assert callable(app.middleware.tag_api) and callable(app.middleware.meta)
    with pytest.raises(AttributeError, match="nope"):
        app.middleware.nope


@pytest.mark.parametrize("name, words", [
    ("mw-both", ["config/config.default.py", "options.match and options.ignore can not both be set"]),
    ("mw-unknown", ["config/config.default.py", "middleware 'ghost' not found"]),
    ("mw-listed-twice", ["config/config.default.py", "'m' is listed twice"]),
    ("mw-no-export", ["app/middleware/m.py", "missing export 'middleware'"]),
    ("mw-bad-return", ["app/middleware/m.py", "must return an async (ctx, next) function"]),
])
def test_middleware_mistakes(load_error, name, words):
    msg = load_error(name)
    assert str(fixture_dir(name)) in msg
    for word in words:
        assert word in msg


def test_same_middleware_in_plugin_and_app_is_an_error(load_error):
    msg = load_error("mw-redefined")
    assert "middleware" not in msg or True
    assert str(fixture_dir("mw-redefined") / "app/middleware/m.py") in msg
    assert str(fixture_dir("mw-redefined") / "plugins/p/app/middleware/m.py") in msg
    assert "already defined" in msg
