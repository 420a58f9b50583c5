"""override_method: POST + header or body ``_method`` (after body_parser)."""
from __future__ import annotations

import pytest

from eggfast.app.middleware import body_parser, override_method
from eggfast.defaults import CONFIG


def method_app(new_app, options=None):
    app = new_app()
    app.use(body_parser.middleware(CONFIG["body_parser"], app))
    app.use(override_method.middleware(CONFIG["override_method"] if options is None else options, app))

    async def echo(ctx, next):
        ctx.body = {"method": ctx.method, "original": getattr(ctx.request, "original_method", None)}

    app.use(echo)
    return app


@pytest.mark.parametrize("target", ["PUT", "PATCH", "DELETE", "put"])
async def test_header_overrides_post(new_app, request_app, target):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"x-http-method-override": target})
    assert res.json() == {"method": target.upper(), "original": "POST"}


async def test_form_body_field(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/x-www-form-urlencoded"},
                            body=b"_method=DELETE&id=1")
    assert res.json()["method"] == "DELETE"


async def test_json_body_field(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json"}, body=b'{"_method":"patch"}')
    assert res.json()["method"] == "PATCH"


async def test_header_wins_over_body(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json", "x-http-method-override": "PUT"},
                            body=b'{"_method":"DELETE"}')
    assert res.json()["method"] == "PUT"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
async def test_only_post_is_overridden(new_app, request_app, method):
    app = method_app(new_app)
    res = await request_app(app, method, "/", headers={"content-type": "application/json", "x-http-method-override": "DELETE"},
                            body=b'{"_method":"DELETE"}')
    assert res.json()["method"] == method


async def test_plain_post_untouched(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json"}, body=b'{"a":1}')
    assert res.json() == {"method": "POST", "original": None}


async def test_invalid_method_is_400(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"x-http-method-override": "EXPLODE"})
    assert res.status == 400
    assert res.text == 'invalid overridden method: "EXPLODE"'


async def test_allowed_methods_option(new_app, request_app):
    app = method_app(new_app, {"allowed_methods": ["POST", "GET"]})
    res = await request_app(app, "GET", "/", headers={"x-http-method-override": "DELETE"})
    assert res.json()["method"] == "DELETE"


async def test_non_string_body_field_ignored(new_app, request_app):
    app = method_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json"}, body=b'{"_method":["PUT"]}')
    assert res.json()["method"] == "POST"
