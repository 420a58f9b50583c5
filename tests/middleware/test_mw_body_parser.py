"""body_parser: JSON / form / text, limits (413 naming the key), strict JSON, charsets, qs forms."""
from __future__ import annotations

import gzip
import zlib

import orjson
import pytest

from eggfast.app.middleware import body_parser
from eggfast.app.middleware.body_parser import parse_bytes, parse_json, parse_qs
from eggfast.defaults import CONFIG
from eggfast.errors import HttpError

JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def echo_app(new_app, options=None, **overrides):
    app = new_app()
    opts = dict(CONFIG["body_parser"])
    opts.update(options or {})
    opts.update(overrides)
    app.use(body_parser.middleware(opts, app))

    async def echo(ctx, next):
        ctx.body = {"body": ctx.request.body, "raw": ctx.request.raw_body}

    app.use(echo)
    return app


# --- parsing ---------------------------------------------------------------------


async def test_json_object(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers=JSON, body=b'{"a": 1, "b": [true, null]}')
    assert res.status == 200
    assert res.json() == {"body": {"a": 1, "b": [True, None]}, "raw": '{"a": 1, "b": [true, null]}'}


@pytest.mark.parametrize("ctype", [
    "application/json; charset=utf-8", "application/vnd.api+json", "application/json-patch+json",
    "application/csp-report",
])
async def test_json_types(new_app, request_app, ctype):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": ctype}, body=b"[1,2]")
    assert res.json()["body"] == [1, 2]


def test_json_edge_values_parse_like_json_parse():
    # huge integers become floats (as JSON.parse does); a lone surrogate escape is accepted
    assert parse_json('{"n": 123456789012345678901234567890}') == {"n": 1.2345678901234568e29}
    assert parse_json('["\\ud800"]') == ["\ud800"]


async def test_empty_json_body_is_empty_object(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={**JSON, "content-length": "0"})
    assert res.json() == {"body": {}, "raw": ""}


async def test_form_nested_like_qs(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers=FORM, body=b"user[name]=tom&user[tags][]=a&user[tags][]=b&x=1&x=2")
    assert res.json()["body"] == {"user": {"name": "tom", "tags": ["a", "b"]}, "x": ["1", "2"]}
    assert res.json()["raw"] == "user[name]=tom&user[tags][]=a&user[tags][]=b&x=1&x=2"


async def test_form_decoding_plus_and_percent(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers=FORM, body=b"q=a+b%26c&name=%E4%BD%A0%E5%A5%BD")
    assert res.json()["body"] == {"q": "a b&c", "name": "你好"}


async def test_get_without_body_gives_empty_dict(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "GET", "/")
    assert res.json() == {"body": {}, "raw": None}


async def test_unknown_type_gives_empty_dict_and_does_not_read(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "image/png"}, body=b"\x89PNG")
    assert res.json() == {"body": {}, "raw": None}


async def test_text_only_when_enabled(new_app, request_app):
    off = echo_app(new_app)
    res = await request_app(off, "POST", "/", headers={"content-type": "text/plain"}, body=b"hello")
    assert res.json()["body"] == {}
    on = echo_app(new_app, enable_types=["json", "form", "text"])
    res = await request_app(on, "POST", "/", headers={"content-type": "text/plain"}, body=b"hello")
    assert res.json() == {"body": "hello", "raw": "hello"}


async def test_extend_types(new_app, request_app):
    app = echo_app(new_app, extend_types={"json": ["application/x-javascript"]})
    res = await request_app(app, "POST", "/", headers={"content-type": "application/x-javascript"}, body=b'{"a":1}')
    assert res.json()["body"] == {"a": 1}


async def test_detect_json_callable(new_app, request_app):
    app = echo_app(new_app, detect_json=lambda ctx: ctx.path.endswith(".json"))
    res = await request_app(app, "POST", "/x.json", headers={"content-type": "text/plain"}, body=b'{"a":1}')
    assert res.json()["body"] == {"a": 1}


async def test_bodyless_requests_get_an_empty_body(new_app, request_app):
    app = echo_app(new_app)
    for method, headers in [("GET", {}), ("GET", {"content-type": "application/json"}), ("DELETE", JSON)]:
        res = await request_app(app, method, "/", headers=headers)
        assert res.json() == {"body": {}, "raw": None}, method


async def test_detect_json_is_asked_for_bodyless_requests_too(new_app, request_app):
    asked = []

    def detect(ctx):
        asked.append(ctx.method)
        return False

    app = echo_app(new_app, detect_json=detect)
    res = await request_app(app, "GET", "/")
    assert res.json()["body"] == {} and asked == ["GET"]


async def test_preset_body_is_kept(new_app, request_app):
    app = new_app()

    async def preset(ctx, next):
        ctx.request.body = {"preset": True}
        await next()

    app.use(preset)
    app.use(body_parser.middleware(CONFIG["body_parser"], app))

    async def echo(ctx, next):
        ctx.body = ctx.request.body

    app.use(echo)
    res = await request_app(app, "POST", "/", headers=JSON, body=b'{"a":1}')
    assert res.json() == {"preset": True}


async def test_disable_body_parser_flag(new_app, request_app):
    app = new_app()

    async def disable(ctx, next):
        ctx.disable_body_parser = True
        await next()

    app.use(disable)
    app.use(body_parser.middleware(CONFIG["body_parser"], app))

    async def echo(ctx, next):
        ctx.body = {"body": ctx.request.body}

    app.use(echo)
    res = await request_app(app, "POST", "/", headers=JSON, body=b'{"a":1}')
    assert res.json() == {"body": None}


async def test_latin1_charset_is_decoded(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json; charset=latin1"},
                            body='{"a":"é"}'.encode("latin-1"))
    assert res.json()["body"] == {"a": "é"}


@pytest.mark.parametrize("encoding, compress", [("gzip", gzip.compress), ("deflate", zlib.compress)])
async def test_compressed_bodies(new_app, request_app, encoding, compress):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={**JSON, "content-encoding": encoding}, body=compress(b'{"z":1}'))
    assert res.json()["body"] == {"z": 1}


# --- errors ------------------------------------------------------------------------


async def test_json_over_limit_is_413_naming_the_key(new_app, request_app):
    app = echo_app(new_app)
    big = b'{"a":"' + b"x" * (1024 * 1024) + b'"}'
    res = await request_app(app, "POST", "/", headers=JSON, body=big)
    assert res.status == 413
    assert res.text == "request entity too large: body_parser.json_limit is 1mb"
    err = app.errors[0][0]
    assert err.status == 413 and err.type == "entity.too.large"


async def test_form_limit_from_config(new_app, request_app):
    app = echo_app(new_app, form_limit="10b")
    res = await request_app(app, "POST", "/", headers=FORM, body=b"a=12345678901")
    assert res.status == 413
    assert res.text == "request entity too large: body_parser.form_limit is 10b"


async def test_limit_without_content_length(new_app, request_app):
    """A chunked body is stopped by the reader's own limit, with the same message."""
    app = echo_app(new_app, json_limit="1kb")
    res = await request_app(app, "POST", "/", headers={**JSON, "transfer-encoding": "chunked"},
                            body=b"[" + b"1," * 1000 + b"1]", length=False)
    assert res.status == 413
    assert res.text == "request entity too large: body_parser.json_limit is 1kb"


async def test_gzip_bomb_is_413(new_app, request_app):
    app = echo_app(new_app, json_limit="1kb")
    body = gzip.compress(b"[" + b"0," * 100000 + b"0]")
    res = await request_app(app, "POST", "/", headers={**JSON, "content-encoding": "gzip"}, body=body)
    assert res.status == 413


@pytest.mark.parametrize("body", [b'"str"', b"123", b"true", b"null"])
async def test_strict_json_rejects_non_containers(new_app, request_app, body):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers=JSON, body=body)
    assert res.status == 400
    assert "only supports object and array" in res.text


async def test_non_strict_accepts_any_json(new_app, request_app):
    app = echo_app(new_app, strict=False)
    res = await request_app(app, "POST", "/", headers=JSON, body=b'"str"')
    assert res.json()["body"] == "str"


@pytest.mark.parametrize("body", [b'{"a":', b"{'a':1}", b'{"a":NaN}', b"[1,]"])
async def test_malformed_json_is_400(new_app, request_app, body):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers=JSON, body=body)
    assert res.status == 400
    assert res.text.endswith("check body_parser config")
    err = app.errors[0][0]
    assert isinstance(err, ValueError) and err.expose


async def test_unsupported_charset_is_415(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={"content-type": "application/json; charset=klingon"}, body=b"{}")
    assert res.status == 415
    assert res.text.startswith('unsupported charset "KLINGON"')


async def test_unsupported_content_encoding_is_415(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={**JSON, "content-encoding": "br"}, body=b"{}")
    assert res.status == 415


async def test_bad_gzip_is_400(new_app, request_app):
    app = echo_app(new_app)
    res = await request_app(app, "POST", "/", headers={**JSON, "content-encoding": "gzip"}, body=b"not gzip")
    assert res.status == 400


def test_unknown_enable_type_fails_at_start(new_app):
    app = new_app()
    with pytest.raises(ValueError, match="enable_types"):
        body_parser.middleware({"enable_types": ["json", "yaml"]}, app)


def test_bad_limit_fails_at_start(new_app):
    app = new_app()
    with pytest.raises(ValueError, match="invalid size"):
        body_parser.middleware({"json_limit": "lots"}, app)


# --- helpers -----------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("1mb", 1 << 20), ("100kb", 102400), ("1.5mb", 1572864), ("512", 512), (2048, 2048), ("1GB", 1 << 30),
    ("10b", 10), (None, None),
])
def test_parse_bytes(value, expected):
    assert parse_bytes(value) == expected


def test_parse_json_errors_are_http_400():
    with pytest.raises(HttpError) as info:
        parse_json("{")
    assert info.value.status == 400 and info.value.name == "SyntaxError"
    assert parse_json("") == {}
    assert parse_json(" \n[1]") == [1]
    assert parse_json("", strict=False) == ""


@pytest.mark.parametrize("text, expected", [
    ("a=1&b=2", {"a": "1", "b": "2"}),
    ("a=1&a=2&a=3", {"a": ["1", "2", "3"]}),
    ("a[b][c]=1", {"a": {"b": {"c": "1"}}}),
    ("a[]=1&a[]=2", {"a": ["1", "2"]}),
    ("a[1]=b&a[0]=c", {"a": ["c", "b"]}),
    ("a[1]=x&a[5]=y", {"a": ["x", "y"]}),
    ("a[101]=x", {"a": {"101": "x"}}),
    ("a[100]=x", {"a": ["x"]}),
    ("a[0]=1&a[b]=2", {"a": {"0": "1", "b": "2"}}),
    ("a=1&a[b]=2", {"a": ["1", {"b": "2"}]}),
    ("a[b][c][d][e][f][g][h]=1", {"a": {"b": {"c": {"d": {"e": {"f": {"[g][h]": "1"}}}}}}}),
    ("a", {"a": ""}),
    ("=x&&b=", {"b": ""}),
    ("[a]=1", {"a": "1"}),
    ("a[b=1", {"a[b": "1"}),
    ("a%5Bb%5D=1", {"a": {"b": "1"}}),
    ("bad=%E4%ZZ", {"bad": "%E4%ZZ"}),
    ("a.b=1", {"a.b": "1"}),
    ("a[][b]=1&a[][b]=2", {"a": [{"b": ["1", "2"]}]}),  # qs combines equal keys first
])
def test_parse_qs_like_qs(text, expected):
    assert parse_qs(text) == expected


def test_parse_qs_options():
    assert parse_qs("a.b=1", allow_dots=True) == {"a": {"b": "1"}}
    assert parse_qs("a[b][c]=1", depth=1) == {"a": {"b": {"[c]": "1"}}}
    assert parse_qs("a[5]=1", array_limit=3) == {"a": {"5": "1"}}
    many = "&".join(f"k{i}=v" for i in range(1500))
    assert len(parse_qs(many)) == 1000
    assert len(parse_qs(many, parameter_limit=10)) == 10


def test_parse_qs_result_is_json_serialisable():
    orjson.dumps(parse_qs("a[0][b]=1&a[0][c]=2&a[1]=x&z[]=&z[]=y"))
