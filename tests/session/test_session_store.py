"""app.session_store: the external store API, and its failures as 503s (both context twins)."""
from __future__ import annotations

import asyncio
import re

import orjson
import pytest

from eggfast.http.cookies import Keygrip
from eggfast.plugins.session import SessionStoreError

from session_helpers import Browser, MemoryStore

DAY = 86400


def sign(value: str) -> str:
    return Keygrip(["session-test-key"]).sign(f"EGG_SESS={value}")


def error_log(app) -> str:
    for handler in app.logger.handlers:
        handler.flush()
    try:
        return open(app.config.logger.dir + "/common-error.log").read()
    except FileNotFoundError:
        return ""


async def test_the_cookie_holds_a_signed_random_id(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/set?user=tom")
    session_id = browser.jar["EGG_SESS"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", session_id)
    assert browser.jar["EGG_SESS.sig"] == sign(session_id)
    assert store.calls == [("set", session_id, DAY)]
    assert orjson.loads(store.data[session_id])["d"] == {"user": "tom"}
    assert f"; max-age={DAY}; " in browser.session_line()
    assert (await browser.json("/")) == {"data": {"user": "tom"}, "is_new": False, "len": 1, "max_age": DAY}
    assert store.calls[1:] == [("get", session_id, DAY)]  # read, unchanged: not written again
    assert browser.set_cookies == []


async def test_no_store_call_without_a_session_cookie(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/untouched")
    await browser.json("/")
    assert store.calls == [] and browser.set_cookies == []


async def test_two_browsers_two_sessions(session_app):
    store = MemoryStore()
    app = await session_app(store=store)
    alice, bob = Browser(app), Browser(app)
    await alice.json("/set?user=alice")
    await bob.json("/set?user=bob")
    assert alice.jar["EGG_SESS"] != bob.jar["EGG_SESS"]
    assert (await alice.json("/"))["data"] == {"user": "alice"}
    assert (await bob.json("/"))["data"] == {"user": "bob"}


async def test_max_age_goes_to_the_store(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/set?user=tom")
    await browser.json("/remember?days=2")
    assert store.calls[-1][0] == "set" and store.calls[-1][2] == 2 * DAY
    await browser.json("/browser")
    assert store.calls[-1][0] == "set" and store.calls[-1][2] == "session"
    assert (await browser.json("/"))["max_age"] == "session"


async def test_logout_destroys_the_stored_session(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/set?user=tom")
    session_id = browser.jar["EGG_SESS"]
    await browser.json("/logout")
    assert ("destroy", session_id) in store.calls and store.data == {}
    assert browser.session_line().startswith("EGG_SESS=; ") and browser.session_line("EGG_SESS.sig")
    assert (await browser.json("/"))["is_new"] is True


async def test_regenerate_gives_a_new_id_and_destroys_the_old(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/set?user=tom")
    old = browser.jar["EGG_SESS"]
    await browser.json("/regenerate")
    new = browser.jar["EGG_SESS"]
    assert new != old and list(store.data) == [new]
    assert ("destroy", old) in store.calls
    assert (await browser.json("/"))["data"] == {"user": "tom"}


async def test_a_missed_id_gives_a_new_session_and_clears_the_cookie(session_app):
    store = MemoryStore()
    browser = Browser(await session_app(store=store))
    await browser.json("/set?user=tom")
    store.data.clear()  # expired in the store
    assert (await browser.json("/untouched")) == {"ok": True}
    assert browser.session_line().startswith("EGG_SESS=; ")
    assert (await browser.json("/set?user=jerry"))["is_new"] is True
    assert (await browser.json("/"))["data"] == {"user": "jerry"}


async def test_store_may_be_a_class_built_with_the_app(session_app):
    seen = []

    class Store(MemoryStore):
        def __init__(self, app):
            super().__init__()
            seen.append(app)

    app = await session_app(store=Store)
    assert seen == [app] and isinstance(app.session_store, Store)
    browser = Browser(app)
    await browser.json("/set?user=tom")
    assert app.session_store.data


async def test_store_must_have_the_three_methods(session_app):
    app = await session_app()
    assert app.session_store is None

    class Half:
        async def get(self, key, max_age, ctx):
            return None

    with pytest.raises(TypeError, match="missing: set, destroy"):
        app.session_store = Half()
    app.session_store = MemoryStore()
    app.session_store = None  # back to the cookie store
    browser = Browser(app)
    await browser.json("/set?user=tom")
    assert "EGG_SESS.sig" not in browser.jar and len(browser.jar["EGG_SESS"]) > 32


class FailingStore(MemoryStore):
    """Fails the operations named in ``fail`` with ``error`` (or hangs, for a timeout)."""

    def __init__(self, fail: set, error: BaseException = None) -> None:
        super().__init__()
        self.fail = fail
        self.error = error or ConnectionError("connection refused by db-1:5432")

    async def _maybe_fail(self, operation: str) -> None:
        if operation in self.fail:
            if self.error == "hang":
                await asyncio.sleep(30)
            raise self.error

    async def get(self, key, max_age, ctx):
        await self._maybe_fail("get")
        return await super().get(key, max_age, ctx)

    async def set(self, key, value, max_age, ctx):
        await self._maybe_fail("set")
        return await super().set(key, value, max_age, ctx)

    async def destroy(self, key, ctx):
        await self._maybe_fail("destroy")
        return await super().destroy(key, ctx)


@pytest.mark.parametrize("operation, path", [("get", "/"), ("get", "/untouched"), ("set", "/set?user=jerry"),
                                             ("destroy", "/logout")])
async def test_store_failure_is_a_503_naming_the_store_and_cause(session_app, operation, path):
    store = FailingStore(set())
    app = await session_app(store=store)
    browser = Browser(app)
    await browser.json("/set?user=tom")
    store.fail = {operation}
    res = await browser.get(path, headers={"accept": "application/json"})
    assert res.status == 503, res.text
    message = f"session store FailingStore.{operation}() failed: ConnectionError: connection refused by db-1:5432"
    assert orjson.loads(res.body)["message"] == message  # unittest env: the details are shown
    assert browser.session_line() is None
    log = error_log(app)
    assert f"SessionStoreError: {message}" in log
    store.fail = set()
    assert (await browser.json("/"))["data"] == {"user": "tom"}  # nothing was lost


async def test_store_failure_in_prod_hides_the_cause_from_the_client(session_app):
    store = FailingStore({"get"})
    app = await session_app(store=store, env="prod", keys="session-test-key")
    res = await Browser(app).get("/", cookie=f"EGG_SESS={'A' * 32}; EGG_SESS.sig={sign('A' * 32)}",
                                 headers={"accept": "application/json"})
    assert res.status == 503
    assert orjson.loads(res.body) == {"message": "Service Unavailable"}
    assert "session store FailingStore.get() failed" in error_log(app)


async def test_store_timeout_is_a_503(session_app):
    store = FailingStore({"get"}, "hang")
    app = await session_app(store=store, session={"store_timeout": 0.05})
    res = await Browser(app).get("/", cookie=f"EGG_SESS={'A' * 32}; EGG_SESS.sig={sign('A' * 32)}")
    assert res.status == 503
    assert "session store FailingStore.get() failed: timed out" in error_log(app)


async def test_store_failure_after_a_handler_error_keeps_the_handler_error(session_app):
    store = FailingStore({"set"})
    app = await session_app(store=store)
    res = await Browser(app).get("/fail")
    assert res.status == 422  # the handler's error, not the store's
    log = error_log(app)
    assert "[session] not saved after HttpError: session store FailingStore.set() failed" in log


def test_store_error_is_an_unexposed_503():
    err = SessionStoreError(MemoryStore(), "get", OSError("disk\nfull"))
    assert (err.status, err.expose) == (503, False)
    assert str(err) == "session store MemoryStore.get() failed: OSError: disk full"
    assert "timed out" in str(SessionStoreError(MemoryStore(), "set", TimeoutError()))


async def test_an_id_signed_with_an_older_key_is_signed_again(session_app):
    store = MemoryStore()
    app = await session_app(store=store)
    browser = Browser(app)
    await browser.json("/set?user=tom")
    session_id = browser.jar["EGG_SESS"]
    old_sig = Keygrip(["an-older-key"]).sign(f"EGG_SESS={session_id}")
    assert (await browser.json("/", cookie=f"EGG_SESS={session_id}; EGG_SESS.sig={old_sig}"))["data"] == \
        {"user": "tom"}
    assert browser.jar["EGG_SESS.sig"] == sign(session_id) and browser.session_line() is not None
