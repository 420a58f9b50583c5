"""Load and commit the session of one request; the lazy ``ctx.session`` property.

The session is kept in ``ctx.__dict__`` under :data:`SLOT`.  With the cookie
store nothing happens until ``ctx.session`` is first read; a request that
never reads it costs the middleware one dict lookup.  With an external store
the middleware loads the session before the handler runs (reads are
synchronous), and only when the request carries a session cookie.
"""
from __future__ import annotations

import base64
import binascii
import logging
import re
import secrets
import time
from typing import Any, Optional

from eggfast.plugins.session.options import SessionOptions
from eggfast.plugins.session.session import Session, dump_data, dump_payload, load_payload
from eggfast.plugins.session.store import call_store, store_name

__all__ = ["SLOT", "SessionProperty", "load_from_cookie", "load_from_store", "commit", "new_session_id"]

SLOT = "_eggfast_session"
#: secrets.token_urlsafe(24): 32 characters of base64url, 192 random bits
_ID = re.compile(r"[A-Za-z0-9_-]{32}\Z")
log = logging.getLogger("eggfast.core.session")


def new_session_id() -> str:
    """A new external session id (192 random bits, base64url)."""
    return secrets.token_urlsafe(24)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _warn(ctx: Any, message: str, *args: Any) -> None:
    logger = getattr(ctx, "core_logger", None) or log
    logger.warning(message, *args)


def _signed_cookie(ctx: Any, options: SessionOptions) -> tuple[Optional[str], bool]:
    """``(value, re-sign)`` of the signed session cookie, or ``(None, False)`` when absent or forged."""
    cookies = ctx.cookies.request_cookies
    key = options.key
    value = cookies.get(key)
    digest = cookies.get(key + ".sig")
    if not value or not digest:
        return None, False
    index = ctx.app.keygrip.verify(f"{key}={value}", digest)
    if index < 0:
        return None, False
    return value, index > 0


def _read_cookie(ctx: Any, options: SessionOptions) -> tuple[Optional[str], bool]:
    """``(payload JSON, re-seal)`` from the cookie store's cookie, or ``(None, False)``."""
    raw = ctx.cookies.request_cookies.get(options.key)
    if not raw:
        return None, False
    if options.encrypt:
        opened = ctx.app.keygrip.decrypt(raw, options.key)
        if opened is None:
            return None, False
        return opened[0], opened[1] > 0
    value, again = _signed_cookie(ctx, options)
    if value is None:
        return None, False
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode(), again
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None, False


def _from_payload(ctx: Any, options: SessionOptions, raw: Any, session_id: Optional[str]) -> Optional[Session]:
    parsed = load_payload(raw)
    if parsed is None:
        _warn(ctx, "[session][invalid] %s: the stored session is not a session payload; starting a new one",
              options.key)
        return None
    data, expire, max_age = parsed
    if expire is not None and expire < _now_ms():
        _warn(ctx, "[session][expired] %s: the session expired; starting a new one", options.key)
        return None
    return Session(data, max_age=max_age, session_id=session_id, expire=expire, loaded=True)


def load_from_cookie(ctx: Any, options: SessionOptions) -> Session:
    """The cookie store's session: the cookie's, or a new empty one (absent, forged, expired)."""
    text, again = _read_cookie(ctx, options)
    session = _from_payload(ctx, options, text, None) if text is not None else None
    if session is None:
        if ctx.cookies.request_cookies.get(options.key):
            if text is None:
                _warn(ctx, "[session][invalid] %s: the cookie does not open with config.keys; starting a new "
                      "session", options.key)
            session = Session(max_age=options.max_age)
            session._clear = True
        else:
            session = Session(max_age=options.max_age)
    elif again:
        session._forced = True  # opened with an older key: seal it again under the first
    return session


async def load_from_store(ctx: Any, options: SessionOptions) -> None:
    """Before the handler: load the external session the request's cookie names (if any) into ctx."""
    session_id, again = _signed_cookie(ctx, options)
    if session_id is None or not _ID.match(session_id):
        return
    store = options.store
    raw = await call_store(store, "get", options.store_timeout, session_id, options.max_age, ctx)
    if raw is None:
        _warn(ctx, "[session][missed] %s: %s has no session for this id; starting a new one",
              options.key, store_name(store))
    session = _from_payload(ctx, options, raw, session_id) if raw is not None else None
    if session is None:  # missed, expired or malformed: start over and clear the cookie
        session = Session(max_age=options.max_age)
        session._clear = True
        if raw is not None:
            session._discard.append(session_id)  # forget what the store holds
    elif again:
        session._forced = True  # signed with an older key: sign it again with the first
    ctx.__dict__[SLOT] = session


class SessionProperty:
    """``ctx.session``: made on first read; ``ctx.session = None`` starts over, a mapping replaces the data."""

    def __init__(self, options: SessionOptions) -> None:
        self.options = options

    def __get__(self, ctx: Any, owner: Optional[type] = None) -> Any:
        if ctx is None:
            return self
        session = ctx.__dict__.get(SLOT)
        if session is None:
            options = self.options
            if options.store is None:
                session = load_from_cookie(ctx, options)
            else:  # the middleware loaded nothing: no session cookie came
                session = Session(max_age=options.max_age)
            ctx.__dict__[SLOT] = session
        return session

    def __set__(self, ctx: Any, value: Any) -> None:
        if value is None:
            session = ctx.__dict__.get(SLOT)
            if session is None:  # nothing to read first: the cookie is cleared either way
                session = ctx.__dict__[SLOT] = Session(max_age=self.options.max_age)
            session.regenerate()
            return
        session = self.__get__(ctx)
        if not hasattr(value, "keys"):
            raise TypeError(f"ctx.session can be set to None or a mapping, not {type(value).__name__}")
        session.clear()
        session.update(value)


def _expire_for(session: Session) -> Optional[int]:
    max_age = session._max_age
    return None if max_age == "session" else _now_ms() + max_age * 1000


def _should_save(session: Session, data_json: bytes, options: SessionOptions) -> bool:
    if session._forced:
        return True
    if session._prev is None:
        return data_json != b"{}"
    if data_json != session._prev or options.rolling:
        return True
    if options.renew and session._expire is not None and session._max_age != "session":
        return session._expire - _now_ms() < session._max_age * 500
    return False


async def commit(ctx: Any, options: SessionOptions, session: Optional[Session]) -> None:
    """After the handler: write the session if it changed (or must be re-issued), or clear it."""
    if session is None:  # never read: only rolling re-issues it
        if not ctx.cookies.request_cookies.get(options.key):
            return
        session = ctx.session
    store = options.store
    if store is not None:
        for old in session._discard:
            await call_store(store, "destroy", options.store_timeout, old, ctx)
    session._discard.clear()
    data_json = dump_data(session._data)
    if not _should_save(session, data_json, options):
        if session._clear and ctx.cookies.request_cookies.get(options.key):
            ctx.cookies.set(options.key, None, signed=store is not None or not options.encrypt,
                            **options.cookie_options())
        return
    max_age = session._max_age
    expire = _expire_for(session)
    payload = dump_payload(data_json, expire, max_age).decode()
    cookie_age = None if max_age == "session" else max_age
    cookie_options = options.cookie_options()
    if store is not None:
        if session._id is None:
            session._id = new_session_id()
        await call_store(store, "set", options.store_timeout, session._id, payload, max_age, ctx)
        ctx.cookies.set(options.key, session._id, max_age=cookie_age, signed=True, **cookie_options)
    elif options.encrypt:
        ctx.cookies.set(options.key, payload, max_age=cookie_age, encrypt=True, signed=False, **cookie_options)
    else:
        value = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
        ctx.cookies.set(options.key, value, max_age=cookie_age, signed=True, **cookie_options)
    session._prev, session._expire, session._forced, session._clear = data_json, expire, False, False
