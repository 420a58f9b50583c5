"""The jsonp plugin on both context twins: wrapping, callback sanitising, the CSRF / referrer checks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eggfast import Application
from eggfast.errors import ConfigError
from eggfast.logger import close_loggers
from eggfast.plugins.jsonp.jsonp import jsonp_body, jsonp_options, sanitize_callback
from eggfast.testing import RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "jsonp"
WRAP = re.compile(r"^/\*\*/ typeof ([\w$.\[\]]+) === 'function' && \1\((.*)\);$", re.S)


@pytest.fixture
async def app(tmp_path, context_twin):
    app = Application(base_dir=FIXTURE, env="unittest", context_twin=context_twin,
                      config={"rundir": str(tmp_path / "run"),
                              "logger": {"dir": str(tmp_path / "logs"), "console": False}})
    await app.ready()
    yield app
    await app.close()
    close_loggers(app)


async def call(app, url, headers=None):
    stream = RecordingStream()
    await app.handler(make_raw("GET", url, headers or {}), stream)
    return stream


def unwrap(text: str) -> tuple[str, object]:
    match = WRAP.match(text)
    assert match, text
    return match.group(1), json.loads(match.group(2))


async def test_wraps_json_for_a_callback(app):
    res = await call(app, "/api/user?callback=show")
    assert res.status == 200
    assert res.header("content-type") == "application/javascript; charset=utf-8"
    assert res.header("x-content-type-options") == "nosniff"
    name, data = unwrap(res.text)
    assert name == "show" and data["name"] == "ada"
    # markup and line separators never appear raw in the script
    assert "</script>" not in res.text and "<" not in res.text and "\u2028" not in res.text
    assert data["bio"] == "</script><script>alert(1)</script>\u2028"


async def test_underscore_callback_and_no_callback(app):
    res = await call(app, "/api/user?_callback=jQuery123_456")
    assert unwrap(res.text)[0] == "jQuery123_456"
    plain = await call(app, "/api/user")
    assert plain.header("content-type").startswith("application/json") and plain.json()["name"] == "ada"
    # a route without app.jsonp() ignores ?callback=
    assert (await call(app, "/api/plain?callback=x")).header("content-type").startswith("application/json")
    text = await call(app, "/api/text?callback=cb")
    assert unwrap(text.text) == ("cb", "plain")


@pytest.mark.parametrize("callback,expected", [
    ("%3Cscript%3Ealert(1)%3C/script%3E", "scriptalert1script"),
    ("a%22);alert(1);//", "aalert1"),
    ("window.cb[0]", "window.cb[0]"),
    ("$.cb", "$.cb"),
])
async def test_callback_is_sanitised(app, callback, expected):
    res = await call(app, f"/api/user?callback={callback}")
    assert unwrap(res.text)[0] == expected
    assert "<" not in res.text and '"' not in res.text.split("(", 1)[0]


async def test_callback_of_only_bad_characters_is_plain_json(app):
    res = await call(app, "/api/user?callback=%3C%3E%28%29")
    assert res.header("content-type").startswith("application/json")


async def test_callback_length_limit(app):
    res = await call(app, "/api/short?cb=abcdefghij")
    assert unwrap(res.text)[0] == "abcde"
    long = await call(app, "/api/user?callback=" + "a" * 500)
    assert unwrap(long.text)[0] == "a" * 50


async def test_csrf_option(app):
    assert (await call(app, "/api/csrf?callback=cb")).status == 403
    assert (await call(app, "/api/csrf")).status == 200  # not a JSONP request: no check
    first = RecordingStream()
    await app.handler(make_raw("GET", "/api/user"), first)
    secret = [c for c in first.header_values("set-cookie") if c.startswith("csrfToken=")]
    assert secret
    cookie = secret[0].split(";", 1)[0]
    token = cookie.split("=", 1)[1]
    ok = await call(app, f"/api/csrf?callback=cb&_csrf={token}", {"cookie": cookie})
    assert ok.status == 200 and unwrap(ok.text)[0] == "cb"


async def test_referer_white_list(app):
    assert (await call(app, "/api/ref?callback=cb")).status == 403
    assert (await call(app, "/api/ref?callback=cb", {"referer": "https://evil.com/"})).status == 403
    assert (await call(app, "/api/ref?callback=cb", {"referer": "https://eviltrusted.com/"})).status == 403
    for ok in ("https://trusted.com/x", "https://a.trusted.com/", "https://exact.org/page"):
        assert (await call(app, "/api/ref?callback=cb", {"referer": ok})).status == 200, ok
    assert (await call(app, "/api/either?callback=cb", {"referer": "http://trusted.com/"})).status == 200
    assert (await call(app, "/api/either?callback=cb", {"referer": "http://other.com/"})).status == 403


def test_units_and_config_errors():
    assert sanitize_callback(["a<b", "c"], 10) == "ab"
    assert sanitize_callback(None, 10) == ""
    assert jsonp_body(None, "cb") == "/**/ typeof cb === 'function' && cb();"
    assert jsonp_body(b"hi", "cb") == "/**/ typeof cb === 'function' && cb(\"hi\");"
    with pytest.raises(ConfigError, match="config.jsonp.limit"):
        jsonp_options({"limit": 0})
    with pytest.raises(ConfigError, match="config.jsonp.white_list"):
        jsonp_options({"white_list": [3]})
    with pytest.raises(ConfigError, match="config.jsonp.callback"):
        jsonp_options({"callback": []})
