"""ctx.session in the cookie store, through the whole request path of an Egg app (both context twins)."""
from __future__ import annotations

import logging

import pytest

from eggfast.errors import ConfigError
from eggfast.http.cookies import Keygrip
from eggfast.plugins.session import context as session_context

from session_helpers import Browser

DAY = 86400


@pytest.fixture
def clock(monkeypatch):
    """The session's clock in epoch ms, settable: ``clock.now += 60_000``."""

    class Clock:
        now = 1_700_000_000_000

    clock = Clock()
    monkeypatch.setattr(session_context, "_now_ms", lambda: clock.now)
    return clock


def web_log(app) -> str:
    for handler in app.core_logger.handlers:
        if hasattr(handler, "flush"):
            handler.flush()
    path = app.config.logger.dir + "/eggfast-web.log"
    try:
        return open(path).read()
    except FileNotFoundError:
        return ""


async def test_session_is_a_core_middleware_after_override_method(session_app):
    app = await session_app()
    names = app.loader.middleware_names
    assert names[:6] == ["meta", "site_file", "notfound", "body_parser", "override_method", "session"]


async def test_an_untouched_or_empty_session_sends_no_cookie(session_app):
    browser = Browser(await session_app())
    assert (await browser.json("/untouched")) == {"ok": True}
    assert browser.set_cookies == []
    assert (await browser.json("/")) == {"data": {}, "is_new": True, "len": 0, "max_age": DAY}
    assert browser.set_cookies == []


async def test_untouched_session_is_never_read(session_app):
    """Lazy: a handler that does not read ctx.session does not even open the cookie."""
    app = await session_app()
    opened = []
    keygrip = app.keygrip
    original = keygrip.decrypt
    keygrip.decrypt = lambda *args: opened.append(args) or original(*args)
    browser = Browser(app)
    await browser.json("/set?user=tom")
    await browser.json("/untouched")
    assert opened == [] and browser.set_cookies == []
    await browser.json("/")
    assert len(opened) == 1


async def test_set_then_read_back(session_app):
    browser = Browser(await session_app())
    body = await browser.json("/set?user=tom")
    assert body == {"data": {"user": "tom"}, "is_new": True, "len": 1, "max_age": DAY}
    line = browser.session_line()
    assert line.startswith("EGG_SESS=") and "tom" not in line
    assert line.endswith("; samesite=Lax; httponly") and f"; max-age={DAY}; expires=" in line
    assert browser.session_line("EGG_SESS.sig") is None  # sealed with AES-GCM: no signature cookie
    assert (await browser.json("/")) == {"data": {"user": "tom"}, "is_new": False, "len": 1, "max_age": DAY}
    assert browser.set_cookies == []  # unchanged: not written again


async def test_changes_in_nested_values_are_saved(session_app):
    browser = Browser(await session_app())
    await browser.json("/add?item=book")
    assert (await browser.json("/add?item=pen"))["data"] == {"cart": ["book", "pen"]}
    assert browser.session_line() is not None
    assert (await browser.json("/"))["data"] == {"cart": ["book", "pen"]}


async def test_delete_a_key(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    await browser.json("/add")
    assert (await browser.json("/delete"))["data"] == {"cart": ["book"]}
    assert (await browser.json("/"))["data"] == {"cart": ["book"]}


async def test_remember_me_keeps_its_max_age(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    assert (await browser.json("/remember?days=30"))["max_age"] == 30 * DAY
    assert f"; max-age={30 * DAY}; " in browser.session_line()
    await browser.json("/add")
    assert f"; max-age={30 * DAY}; " in browser.session_line()  # the age travels with the session
    assert (await browser.json("/"))["max_age"] == 30 * DAY


async def test_browser_session_cookie_has_no_max_age(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    assert (await browser.json("/browser"))["max_age"] == "session"
    line = browser.session_line()
    assert "max-age" not in line and "expires" not in line
    assert (await browser.json("/")) == {"data": {"user": "tom"}, "is_new": False, "len": 1, "max_age": "session"}


async def test_config_max_age_session(session_app):
    browser = Browser(await session_app(session={"max_age": "session"}))
    await browser.json("/set?user=tom")
    assert "max-age" not in browser.session_line()


async def test_setting_none_clears_the_session(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    await browser.json("/logout")
    assert browser.session_line().startswith("EGG_SESS=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert "EGG_SESS" not in browser.jar
    assert (await browser.json("/"))["is_new"] is True
    await browser.json("/logout")  # no session cookie came: nothing to clear
    assert browser.set_cookies == []


async def test_replaced_by_a_mapping(session_app):
    browser = Browser(await session_app())
    await browser.json("/add")
    assert (await browser.json("/replace"))["data"] == {"user": "jerry"}
    assert (await browser.json("/"))["data"] == {"user": "jerry"}


async def test_regenerate_starts_over(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    await browser.json("/add")
    assert (await browser.json("/regenerate")) == {"data": {"user": "tom"}, "is_new": True, "len": 1,
                                                    "max_age": DAY}
    assert (await browser.json("/"))["data"] == {"user": "tom"}


async def test_save_forces_a_write(session_app):
    browser = Browser(await session_app())
    await browser.json("/set?user=tom")
    before = browser.jar["EGG_SESS"]
    await browser.json("/save")
    assert browser.session_line() is not None and browser.jar["EGG_SESS"] != before  # a fresh nonce


async def test_a_value_that_is_not_json_names_its_key(session_app):
    browser = Browser(await session_app())
    res = await browser.get("/bad-value")
    assert res.status == 500
    assert "session value 'tags' is not JSON-serializable (set)" in res.text
    assert browser.set_cookies == []


async def test_what_was_set_before_an_error_is_kept(session_app):
    """As koa-session: the flash message set before a 422 is saved with the error response."""
    browser = Browser(await session_app())
    res = await browser.get("/fail")
    assert res.status == 422 and browser.session_line() is not None
    assert (await browser.json("/"))["data"] == {"flash": "try again"}


async def test_renew_reissues_when_less_than_half_is_left(session_app, clock):
    browser = Browser(await session_app(session={"max_age": 100, "renew": True}))
    await browser.json("/set?user=tom")
    clock.now += 40_000
    await browser.json("/")
    assert browser.set_cookies == []  # 60 s left of 100
    clock.now += 20_000
    await browser.json("/")
    assert "; max-age=100; " in browser.session_line()  # 40 s left: renewed for 100 more
    clock.now += 90_000
    assert (await browser.json("/"))["data"] == {"user": "tom"}  # alive: 10 s left


async def test_without_renew_the_session_expires(session_app, clock):
    browser = Browser(await session_app(session={"max_age": 100}))
    await browser.json("/set?user=tom")
    clock.now += 60_000
    await browser.json("/")
    assert browser.set_cookies == []
    clock.now += 41_000  # a replayed cookie past its expiry is refused by the server too
    assert (await browser.json("/")) == {"data": {}, "is_new": True, "len": 0, "max_age": 100}
    assert browser.session_line().startswith("EGG_SESS=; ")  # the stale cookie is cleared


async def test_rolling_reissues_on_every_response(session_app):
    browser = Browser(await session_app(session={"rolling": True}))
    await browser.json("/untouched")
    assert browser.set_cookies == []  # no session yet: nothing to roll
    await browser.json("/set?user=tom")
    await browser.json("/untouched")
    assert browser.session_line() is not None
    await browser.json("/")
    assert browser.session_line() is not None
    assert (await browser.json("/"))["data"] == {"user": "tom"}


async def test_unencrypted_cookie_is_signed_base64_json(session_app):
    browser = Browser(await session_app(session={"encrypt": False}))
    await browser.json("/set?user=tom")
    assert browser.session_line("EGG_SESS.sig") is not None
    assert (await browser.json("/"))["data"] == {"user": "tom"}


async def test_cookie_options_pass_through(session_app):
    app = await session_app(session={"key": "sid", "same_site": "strict", "secure": True, "path": "/app",
                                     "domain": "example.com", "http_only": True})
    browser = Browser(app)
    await browser.get("/set?user=tom", tls=True)
    line = browser.session_line("sid")
    assert "; path=/app; " in line and "; domain=example.com; samesite=Strict; secure; httponly" in line


async def test_http_only_false_warns(session_app):
    app = await session_app(session={"http_only": False})
    assert "config.session.http_only is False" in web_log(app)


async def test_cookie_sealed_with_an_older_key_is_reissued(session_app):
    old = Browser(await session_app(keys="an-older-key"))
    await old.json("/set?user=tom")
    browser = Browser(await session_app())
    browser.jar = dict(old.jar)
    assert (await browser.json("/"))["data"] == {"user": "tom"}
    sealed = browser.session_line().split(";")[0].split("=", 1)[1]
    assert Keygrip(["session-test-key"]).decrypt(sealed, "EGG_SESS")[1] == 0
    assert f"; max-age={DAY}; " in browser.session_line()


@pytest.mark.parametrize("session, message", [
    ({"maxAge": 1}, "config.session.maxAge is not read by eggfast; did you mean 'max_age'?"),
    ({"max_age": 0}, "config.session.max_age must be a number of seconds > 0 or \"session\", not 0"),
    ({"max_age": "1d"}, "config.session.max_age must be a number"),
    ({"key": "my session"}, "config.session.key must be a cookie name"),
    ({"encrypt": "yes"}, "config.session.encrypt must be True or False"),
    ({"same_site": "sometimes"}, "config.session.same_site must be 'lax', 'strict', 'none' or None"),
    ({"store_timeout": 0}, "config.session.store_timeout must be a number of seconds > 0"),
    ({"stor": {}}, "config.session.stor is not a session option"),
])
async def test_bad_config_stops_start_up(session_app, session, message):
    with pytest.raises(ConfigError) as info:
        await session_app(session=session)
    assert message in str(info.value)
    assert "config_did_load" in str(info.value)


def test_bad_max_age_at_run_time(make_session):
    session = make_session()
    with pytest.raises(ValueError, match="session max_age must be a number of seconds > 0"):
        session.max_age = -5
    session.max_age = 12.7
    assert session.max_age == 12


async def test_warnings_for_expired_and_invalid_cookies(session_app, clock, caplog):
    browser = Browser(await session_app(session={"max_age": 10}))
    await browser.json("/set?user=tom")
    clock.now += 11_000
    with caplog.at_level(logging.WARNING):
        await browser.json("/")
        await browser.json("/", cookie="EGG_SESS=garbage")
    text = web_log(browser.app) + caplog.text
    assert "[session][expired] EGG_SESS" in text
    assert "[session][invalid] EGG_SESS: the cookie does not open with config.keys" in text


@pytest.fixture
def make_session():
    from eggfast.plugins.session import Session

    return lambda *args, **kwargs: Session(*args, **kwargs)
