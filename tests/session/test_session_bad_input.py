"""Hostile session cookies: every one gives a new empty session and a 200, never a 500 (both context twins)."""
from __future__ import annotations

import base64

import orjson
import pytest

from eggfast.http.cookies import Keygrip

from session_helpers import Browser, MemoryStore, flip_bit

EMPTY = {"data": {}, "is_new": True, "len": 0, "max_age": 86400}
PAYLOAD = '{"d":{"user":"admin"},"e":null,"a":86400}'
ID = "A" * 32


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


async def valid_cookie(app) -> str:
    browser = Browser(app)
    await browser.json("/set?user=tom")
    return browser.jar["EGG_SESS"]


async def assert_empty(app, cookie: str) -> Browser:
    browser = Browser(app)
    res = await browser.get("/", cookie=cookie)
    assert res.status == 200, res.text
    assert orjson.loads(res.body) == EMPTY, cookie[:80]
    return browser


@pytest.mark.parametrize("cookie", [
    f"EGG_SESS={b64(PAYLOAD)}",                                       # forged: plain base64 JSON
    f"EGG_SESS={PAYLOAD}",                                             # forged: raw JSON
    "EGG_SESS=",
    "EGG_SESS=x",
    "EGG_SESS=!!!!",
    "EGG_SESS=" + "A" * 8000,                                          # oversized
    "EGG_SESS=" + b64("x" * 6000),                                     # oversized, valid base64
    "EGG_SESS=s\u00e9same",                                            # non-ASCII (latin-1 on the wire)
    "EGG_SESS=\u00ff\u00fe" * 10,
    "EGG_SESS=%00%0d%0a",
    'EGG_SESS="quoted"',
    "EGG_SESS=" + Keygrip(["someone-else"]).encrypt(PAYLOAD, "EGG_SESS"),  # another key set
    "EGG_SESS=" + Keygrip(["session-test-key"]).encrypt(PAYLOAD, "OTHER"),  # sealed for another name
])
async def test_forged_and_malformed(session_app, cookie):
    await assert_empty(await session_app(), cookie)


@pytest.mark.parametrize("plaintext", [
    "not json", "[]", "null", '"text"', "{}", '{"d":[],"e":null,"a":1}', '{"d":{},"e":"soon","a":1}',
    '{"d":{},"e":null,"a":0}', '{"d":{},"e":null,"a":"forever"}', '{"d":{},"e":true,"a":1}', "\ud800",
])
async def test_sealed_with_our_key_but_not_a_session(session_app, plaintext):
    """Undecodable: opens with config.keys but is not a session payload."""
    sealed = Keygrip(["session-test-key"]).encrypt(plaintext.encode("utf-8", "surrogatepass").decode(
        "utf-8", "replace"), "EGG_SESS")
    await assert_empty(await session_app(), f"EGG_SESS={sealed}")


@pytest.mark.parametrize("where", [0, 11, 12, 20, -17, -1])
async def test_a_flipped_bit_anywhere(session_app, where):
    """Nonce (0, 11), ciphertext (12, 20) or tag (-17, -1): AES-GCM refuses each."""
    app = await session_app()
    sealed = await valid_cookie(app)
    await assert_empty(app, f"EGG_SESS={flip_bit(sealed, where)}")


async def test_truncated(session_app):
    app = await session_app()
    sealed = await valid_cookie(app)
    for cut in (1, 4, 16, len(sealed) // 2, len(sealed) - 1):
        await assert_empty(app, f"EGG_SESS={sealed[:-cut]}")


async def test_duplicated_cookie_first_one_wins(session_app):
    app = await session_app()
    sealed = await valid_cookie(app)
    await assert_empty(app, f"EGG_SESS=junk; EGG_SESS={sealed}")
    browser = Browser(app)
    assert (await browser.json("/", cookie=f"EGG_SESS={sealed}; EGG_SESS=junk"))["data"] == {"user": "tom"}


async def test_a_bad_cookie_is_replaced_when_the_session_is_written(session_app):
    app = await session_app()
    browser = Browser(app)
    browser.jar["EGG_SESS"] = "forged"
    assert (await browser.json("/set?user=tom"))["is_new"] is True
    assert (await browser.json("/"))["data"] == {"user": "tom"}


@pytest.mark.parametrize("cookie", [
    f"EGG_SESS={b64(PAYLOAD)}",
    f"EGG_SESS={b64(PAYLOAD)}; EGG_SESS.sig=forged",
    f"EGG_SESS={b64(PAYLOAD)}; EGG_SESS.sig=\u00e9t\u00e9",
    f"EGG_SESS={b64(PAYLOAD)}; EGG_SESS.sig=" + Keygrip(["someone-else"]).sign(f"EGG_SESS={b64(PAYLOAD)}"),
    "EGG_SESS=%%%; EGG_SESS.sig=" + Keygrip(["session-test-key"]).sign("EGG_SESS=%%%"),      # undecodable
    "EGG_SESS=/w; EGG_SESS.sig=" + Keygrip(["session-test-key"]).sign("EGG_SESS=/w"),        # not UTF-8
    "EGG_SESS=bm90IGpzb24; EGG_SESS.sig=" + Keygrip(["session-test-key"]).sign("EGG_SESS=bm90IGpzb24"),
])
async def test_unencrypted_mode_refuses_forgeries(session_app, cookie):
    await assert_empty(await session_app(session={"encrypt": False}), cookie)


async def test_unencrypted_mode_flipped_and_truncated(session_app):
    app = await session_app(session={"encrypt": False})
    browser = Browser(app)
    await browser.json("/set?user=tom")
    value, sig = browser.jar["EGG_SESS"], browser.jar["EGG_SESS.sig"]
    await assert_empty(app, f"EGG_SESS={value[:-2]}; EGG_SESS.sig={sig}")
    await assert_empty(app, f"EGG_SESS={value}; EGG_SESS.sig={sig[:-2]}")
    await assert_empty(app, f"EGG_SESS={flip_bit(value, 3)}; EGG_SESS.sig={sig}")


@pytest.mark.parametrize("cookie", [
    f"EGG_SESS={ID}",                                                                      # unsigned id
    f"EGG_SESS={ID}; EGG_SESS.sig=" + Keygrip(["someone-else"]).sign(f"EGG_SESS={ID}"),    # another key set
    f"EGG_SESS={ID}; EGG_SESS.sig=\u00e9",
    "EGG_SESS=short; EGG_SESS.sig=" + Keygrip(["session-test-key"]).sign("EGG_SESS=short"),  # not an id
    "EGG_SESS=" + "A" * 5000,
    "EGG_SESS=s\u00e9same",
])
async def test_store_mode_never_asks_the_store_for_a_forged_id(session_app, cookie):
    store = MemoryStore()
    await assert_empty(await session_app(store=store), cookie)
    assert store.calls == []


@pytest.mark.parametrize("stored", ["garbage", b"\xff\xfe", "[]", '{"d":"x"}', 42, {"d": None}])
async def test_store_returning_garbage_gives_a_new_session(session_app, stored):
    store = MemoryStore()
    store.data[ID] = stored
    cookie = f"EGG_SESS={ID}; EGG_SESS.sig=" + Keygrip(["session-test-key"]).sign(f"EGG_SESS={ID}")
    browser = await assert_empty(await session_app(store=store), cookie)
    assert ID not in store.data  # what was under that id is destroyed
    assert browser.session_line().startswith("EGG_SESS=; ")
