"""``config.session`` read once at start-up into a :class:`SessionOptions`."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

from eggfast.errors import ConfigError

__all__ = ["SessionOptions", "MaxAge", "check_max_age"]

#: seconds, or ``"session"`` for a cookie that ends with the browser session
MaxAge = Union[int, str]

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
#: keys the middleware loader reads from the same dict
_MIDDLEWARE_KEYS = {"enable", "match", "ignore"}
#: Egg's camelCase spellings → the key eggfast reads
_CAMEL = {"maxAge": "max_age", "httpOnly": "http_only", "sameSite": "same_site", "storeTimeout": "store_timeout"}


def check_max_age(value: Any, where: str = "session max_age") -> MaxAge:
    """``value`` as whole seconds (> 0) or ``"session"``; anything else raises ``ValueError``."""
    if value == "session":
        return "session"
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value <= 0):
        raise ValueError(f"{where} must be a number of seconds > 0 or \"session\", not {value!r}")
    return max(1, int(value))


@dataclass
class SessionOptions:
    """What the session middleware and ``ctx.session`` read, plus the store they share."""

    key: str = "EGG_SESS"
    max_age: MaxAge = 86400
    http_only: bool = True
    encrypt: bool = True
    renew: bool = False
    rolling: bool = False
    same_site: Optional[str] = "lax"
    secure: Optional[bool] = None
    path: str = "/"
    domain: Optional[str] = None
    store_timeout: float = 5.0
    #: ``app.session_store``: None keeps the session in the cookie
    store: Any = None

    @classmethod
    def from_config(cls, config: Optional[Mapping[str, Any]], source: str = "config.session") -> "SessionOptions":
        """Parse ``config.session``; a wrong type or an unknown key raises :class:`ConfigError` naming it."""
        options = cls()
        for name, value in dict(config or {}).items():
            if name in _MIDDLEWARE_KEYS:
                continue
            if name in _CAMEL:
                raise ConfigError(f"{source}.{name} is not read by eggfast; did you mean {_CAMEL[name]!r}?")
            if name == "store" or name not in cls.__dataclass_fields__:
                known = ", ".join(f for f in cls.__dataclass_fields__ if f != "store")
                raise ConfigError(f"{source}.{name} is not a session option (known: {known}; "
                                  f"set app.session_store for an external store)")
            setattr(options, name, _checked(name, value, source))
        return options

    def cookie_options(self) -> dict[str, Any]:
        """Keyword arguments for ``ctx.cookies.set`` (everything but the value, max_age and signing)."""
        return {"path": self.path, "domain": self.domain, "secure": self.secure, "http_only": self.http_only,
                "same_site": self.same_site, "overwrite": True}


def _checked(name: str, value: Any, source: str) -> Any:
    where = f"{source}.{name}"
    if name == "key":
        if not isinstance(value, str) or not _TOKEN.match(value):
            raise ConfigError(f"{where} must be a cookie name (letters, digits, !#$%&'*+-.^_`|~), not {value!r}")
        return value
    if name == "max_age":
        try:
            return check_max_age(value, where)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    if name in ("http_only", "encrypt", "renew", "rolling"):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be True or False, not {value!r}")
        return value
    if name == "secure":
        if value is not None and not isinstance(value, bool):
            raise ConfigError(f"{where} must be True, False or None (None: Secure on HTTPS requests), not {value!r}")
        return value
    if name == "same_site":
        if value is not None and str(value).lower() not in ("lax", "strict", "none"):
            raise ConfigError(f"{where} must be 'lax', 'strict', 'none' or None, not {value!r}")
        return value
    if name == "store_timeout":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigError(f"{where} must be a number of seconds > 0, not {value!r}")
        return float(value)
    if name == "path":
        if not isinstance(value, str) or not value.startswith("/"):
            raise ConfigError(f"{where} must be a path starting with '/', not {value!r}")
        return value
    if value is not None and not isinstance(value, str):  # domain
        raise ConfigError(f"{where} must be a string or None, not {value!r}")
    return value
