"""The external store API (``app.session_store``) and how its failures surface.

A store keeps each session under a random id; the cookie then holds only that
id, signed.  Any object (or a class, constructed with the app) with these
three async methods will do::

    class MemoryStore:
        def __init__(self):
            self.data = {}

        async def get(self, key, max_age, ctx):         # the value set before, or None
            return self.data.get(key)

        async def set(self, key, value, max_age, ctx):  # value: the session's JSON text
            self.data[key] = value

        async def destroy(self, key, ctx):
            self.data.pop(key, None)

``max_age`` is the session's age in seconds, or ``"session"``.  A store that
raises, or that does not answer within ``config.session.store_timeout``
seconds, fails the request with :class:`SessionStoreError`: a 503, logged
with the store and the cause; never a silently empty session.
"""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Protocol, runtime_checkable

from eggfast.errors import HttpError

__all__ = ["SessionStore", "SessionStoreError", "check_store", "call_store", "store_name"]

_METHODS = ("get", "set", "destroy")


@runtime_checkable
class SessionStore(Protocol):
    """What ``app.session_store`` must provide."""

    async def get(self, key: str, max_age: Any, ctx: Any) -> Any:
        """The value stored under ``key`` (str, bytes or the decoded dict), or None."""

    async def set(self, key: str, value: str, max_age: Any, ctx: Any) -> None:
        """Store ``value`` (JSON text) under ``key`` for ``max_age`` seconds (or ``"session"``)."""

    async def destroy(self, key: str, ctx: Any) -> None:
        """Forget ``key``."""


class SessionStoreError(HttpError):
    """The session store failed or timed out: the request answers 503.

    The message names the store, the operation and the cause; it is logged
    with the request and shown to clients only outside prod (``expose`` is
    False, as for any 5xx).
    """

    def __init__(self, store: Any, operation: str, cause: BaseException) -> None:
        if isinstance(cause, TimeoutError):
            reason = "timed out"
        else:
            reason = f"{type(cause).__name__}: {' '.join(str(cause).split())}".rstrip(": ")
        super().__init__(503, f"session store {store_name(store)}.{operation}() failed: {reason}", expose=False)
        self.store = store
        self.operation = operation
        self.cause = cause


def store_name(store: Any) -> str:
    """The store's class name, as logs and errors show it."""
    return type(store).__name__


def check_store(store: Any, app: Any) -> Any:
    """``store`` ready to use: a class is constructed with ``app``; the three methods are required."""
    if store is None:
        return None
    if inspect.isclass(store):
        store = store(app)
    missing = [name for name in _METHODS if not callable(getattr(store, name, None))]
    if missing:
        raise TypeError(f"app.session_store {store_name(store)} must have async get(key, max_age, ctx), "
                        f"set(key, value, max_age, ctx) and destroy(key, ctx); missing: {', '.join(missing)}")
    return store


async def call_store(store: Any, operation: str, timeout: float, *args: Any) -> Any:
    """``await store.<operation>(*args)`` within ``timeout`` seconds; any failure is a :class:`SessionStoreError`."""
    try:
        async with asyncio.timeout(timeout):
            result = getattr(store, operation)(*args)
            if inspect.isawaitable(result):
                result = await result
            return result
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        raise SessionStoreError(store, operation, exc) from exc

