"""``ctx.session``: a dict-like object with Egg's session API, and its JSON form."""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Iterator, Optional

import orjson

from eggfast.plugins.session.options import MaxAge, check_max_age

__all__ = ["Session", "dump_data", "dump_payload", "load_payload"]


class Session(MutableMapping[str, Any]):
    """The session of one request: ``ctx.session["user"] = …``, ``.get()``, ``del``, ``len``.

    Values must be JSON-serializable (orjson): a value that is not raises a
    ``TypeError`` naming its key when the session is saved.  A session is
    written at the end of the request only when its data changed (compared
    as JSON, so ``ctx.session["cart"].append(…)`` counts), when
    :meth:`save` or :attr:`max_age` asked for it, or by ``rolling`` /
    ``renew``.
    """

    __slots__ = ("_data", "_id", "_max_age", "_expire", "_prev", "_forced", "_discard", "_clear", "_new")

    def __init__(self, data: Optional[dict] = None, *, max_age: MaxAge = 86400, session_id: Optional[str] = None,
                 expire: Optional[int] = None, loaded: bool = False) -> None:
        self._data: dict = data if data is not None else {}
        self._id = session_id
        self._max_age = max_age
        self._expire = expire
        #: the data's JSON as it came in (None: a new session)
        self._prev: Optional[bytes] = dump_data(self._data) if loaded else None
        self._forced = False
        #: store ids to destroy when the request ends (regenerate / ``ctx.session = None``)
        self._discard: list[str] = []
        #: delete the request's session cookie unless something is written instead
        self._clear = False
        self._new = not loaded

    # -- mapping ------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def __repr__(self) -> str:
        return f"<Session {self._data!r} is_new={self._new} max_age={self._max_age!r}>"

    # -- Egg's API ----------------------------------------------------------------------
    @property
    def is_new(self) -> bool:
        """True when the request brought no valid session (a first visit, expired, tampered, regenerated)."""
        return self._new

    @property
    def max_age(self) -> MaxAge:
        """This session's lifetime in seconds, or ``"session"`` (a cookie without Max-Age).

        Setting it ("remember me") keeps the new age with the session and
        forces a save.
        """
        return self._max_age

    @max_age.setter
    def max_age(self, value: MaxAge) -> None:
        self._max_age = check_max_age(value)
        self._forced = True

    def save(self) -> None:
        """Write the session when the request ends even if nothing changed.

        Raises ``TypeError`` naming the key at once when a value is not
        JSON-serializable (otherwise that surfaces when the request ends).
        """
        dump_data(self._data)
        self._forced = True

    def regenerate(self) -> None:
        """Start over with a new, empty session (a new id with a store; the old one is destroyed).

        Call it when privileges change, e.g. at login, so that a session id
        known before cannot be used after (session fixation).
        """
        if self._id is not None:
            self._discard.append(self._id)
        self._id = None
        self._data.clear()
        self._prev = None
        self._new = True
        self._clear = True
        self._forced = False


def dump_data(data: dict) -> bytes:
    """``data`` as JSON; a value that is not JSON-serializable raises ``TypeError`` naming its key."""
    try:
        return orjson.dumps(data)
    except TypeError:
        pass
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"session key {key!r} must be a str, not {type(key).__name__}")
        try:
            orjson.dumps(value)
        except TypeError as exc:
            raise TypeError(f"session value {key!r} is not JSON-serializable ({type(value).__name__}): "
                            f"{exc}; store str, int, float, bool, None, list or dict") from None
    raise TypeError("session data is not JSON-serializable")  # pragma: no cover - found above


def dump_payload(data_json: bytes, expire: Optional[int], max_age: MaxAge) -> bytes:
    """What is stored: ``{"d": data, "e": expiry in epoch ms or null, "a": max_age}`` as JSON.

    The data and its age travel together so that a per-session
    :attr:`Session.max_age` ("remember me") survives the next request, and
    every key of the data is the app's own (Egg drops keys starting with
    ``_``, where it keeps its own fields).
    """
    return orjson.dumps({"d": orjson.Fragment(data_json), "e": expire, "a": max_age})


def load_payload(raw: Any) -> Optional[tuple[dict, Optional[int], MaxAge]]:
    """``(data, expire, max_age)`` of a stored payload (JSON text or its dict), or None when malformed."""
    try:
        payload = orjson.loads(raw) if isinstance(raw, (str, bytes, bytearray, memoryview)) else raw
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    data, expire = payload.get("d"), payload.get("e")
    if not isinstance(data, dict):
        return None
    if expire is not None and (isinstance(expire, bool) or not isinstance(expire, int)):
        return None
    try:
        max_age = check_max_age(payload.get("a"))
    except ValueError:
        return None
    return data, expire, max_age
