"""``ctx.cookies``: read and write cookies, signed and encrypted with ``config.keys``.

Egg's cookies (egg-cookies), in Python's idiom:

* ``ctx.cookies.get(name, signed=True, encrypt=False)`` reads the request's
  ``Cookie`` header (parsed once per request, in linear time).  A signed
  cookie ``name`` comes with ``name.sig``, an HMAC-SHA256 of ``name=value``
  under one of ``config.keys``; a missing or wrong signature reads as
  ``None`` (a wrong one also clears ``name.sig``); a value signed with an
  older key is accepted and re-signed with the first key.
* ``encrypt=True`` stores the value sealed with AES-GCM (an AEAD: a flipped
  bit is detected; the cookie's name is bound as associated data), under
  a key derived from each of ``config.keys``; the first key seals, all open.
  Egg uses AES-CBC without a MAC here; eggfast does not.  An encrypted
  cookie is not signed as well (the AEAD tag already authenticates it).
* ``ctx.cookies.set(name, value, max_age=None, expires=None, path="/",
  domain=None, secure=None, http_only=True, same_site="lax", signed=True,
  encrypt=False, overwrite=False)``; ``value=None`` deletes the cookie.
  ``secure`` defaults to whether the request is HTTPS; a secure cookie over
  plain HTTP is refused with Egg's message.  ``same_site`` defaults to
  ``"lax"`` (Egg leaves it unset).  A value over 4,093 bytes is not set: the
  app gets a ``cookie_limit_exceed`` event ``{"name", "value", "ctx"}`` and a
  warning is logged.  Names must be RFC 6265 tokens and values ASCII without
  controls, ``;`` or ``,``: anything else raises ``ValueError``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import weakref
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Optional, Sequence, Union

__all__ = ["Cookies", "Keygrip", "CookiesProperty", "parse_cookie_header", "MAX_VALUE_BYTES"]

#: the longest value set, as in Egg (4 KiB per cookie, minus the name and ``=``).
MAX_VALUE_BYTES = 4093
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_VALUE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e ]*\Z")  # ASCII, no CTL ; , " \
_ATTR = re.compile(r"[\x20-\x3a\x3c-\x7e]*\Z")  # path/domain: ASCII, no CTL or ';'
_SAME_SITE = {"lax": "Lax", "strict": "Strict", "none": "None"}
_EPOCH = "Thu, 01 Jan 1970 00:00:00 GMT"
_NONCE = 12
log = logging.getLogger("eggfast.core.cookies")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Keygrip:
    """Sign and seal with a list of keys: the first one writes, every one reads."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("Please set config.keys first")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # loaded when cookies are first used

        self.keys = [k.encode() if isinstance(k, str) else bytes(k) for k in keys]
        self._aead = [AESGCM(hashlib.sha256(b"eggfast cookie encryption\0" + k).digest()) for k in self.keys]

    def sign(self, data: str, index: int = 0) -> str:
        """The base64url HMAC-SHA256 of ``data`` under key ``index``."""
        return _b64(hmac.new(self.keys[index], data.encode(), hashlib.sha256).digest())

    def verify(self, data: str, digest: str) -> int:
        """The index of the key that signed ``data`` as ``digest``, or -1."""
        if not digest.isascii():  # hmac.compare_digest refuses non-ASCII str: never a valid digest anyway
            return -1
        for index in range(len(self.keys)):
            if hmac.compare_digest(self.sign(data, index), digest):
                return index
        return -1

    def encrypt(self, plaintext: str, name: str) -> str:
        nonce = os.urandom(_NONCE)
        return _b64(nonce + self._aead[0].encrypt(nonce, plaintext.encode(), name.encode()))

    def decrypt(self, sealed: str, name: str) -> Optional[tuple[str, int]]:
        """``(plaintext, key index)``, or None when no key opens ``sealed``."""
        try:
            raw = _unb64(sealed)
        except (ValueError, TypeError):
            return None
        if len(raw) <= _NONCE + 16:
            return None
        from cryptography.exceptions import InvalidTag

        nonce, body = raw[:_NONCE], raw[_NONCE:]
        for index, aead in enumerate(self._aead):
            try:
                return aead.decrypt(nonce, body, name.encode()).decode(), index
            except (InvalidTag, UnicodeDecodeError):
                continue
        return None


def parse_cookie_header(header: str) -> dict[str, str]:
    """``name -> value`` of a ``Cookie`` header; the first of repeated names wins.

    One pass over the header (``str.split``), so a hostile 8 KiB header costs
    linear time; pairs without ``=`` are skipped; quotes around a value are
    removed.
    """
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, eq, value = pair.partition("=")
        if not eq:
            continue
        name = name.strip()
        if not name or name in cookies:
            continue
        value = value.strip()
        if len(value) > 1 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        cookies[name] = value
    return cookies


def _check(kind: str, text: Any, pattern: re.Pattern) -> str:
    if not isinstance(text, str) or not pattern.match(text):
        raise ValueError(f"cookie {kind} {text!r} is invalid: use ASCII without control characters, ';' or ','")
    return text


def _expires(value: Union[datetime, int, float, str]) -> str:
    if isinstance(value, str):
        return _check("expires", value, _ATTR)
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value.astimezone(timezone.utc), usegmt=True)


class Cookies:
    """The cookies of one request (``ctx.cookies``)."""

    def __init__(self, ctx: Any) -> None:
        # PERF: no strong link back to ctx (which keeps this object in its __dict__):
        # that cycle made every ctx that touched a cookie garbage for the cycle
        # collector instead of being freed at once.  Request and Response link to ctx
        # weakly themselves.
        self._ctx_ref = weakref.ref(ctx)
        self._request = ctx.request
        self._response = ctx.response
        self._app = ctx.app
        self._parsed: Optional[dict[str, str]] = None

    @property
    def ctx(self) -> Any:
        """The Context these cookies belong to (None once it is gone)."""
        return self._ctx_ref()

    # ------------------------------------------------------------------ reading
    @property
    def request_cookies(self) -> dict[str, str]:
        """Every cookie the request sent, unverified (``name -> raw value``)."""
        if self._parsed is None:
            header = self._request.headers.get("cookie")
            self._parsed = parse_cookie_header(header) if header else {}
        return self._parsed

    def get(self, name: str, *, signed: bool = True, encrypt: bool = False) -> Optional[str]:
        """The value of cookie ``name``, or None when absent or not authentic."""
        value = self.request_cookies.get(name)
        if value is None:
            return None
        if encrypt:
            opened = self._keygrip().decrypt(value, name)
            if opened is None:
                return None
            plaintext, index = opened
            if index:  # sealed under an older key: seal again under the first
                self.set(name, plaintext, encrypt=True, signed=False)
            return plaintext
        if not signed:
            return value
        sig_name = name + ".sig"
        digest = self.request_cookies.get(sig_name)
        if not digest:
            return None
        keygrip = self._keygrip()
        index = keygrip.verify(f"{name}={value}", digest)
        if index < 0:
            self.set(sig_name, None, signed=False)
            return None
        if index:
            self.set(sig_name, keygrip.sign(f"{name}={value}"), signed=False)
        return value

    # ------------------------------------------------------------------ writing
    def set(
        self,
        name: str,
        value: Optional[str],
        *,
        max_age: Optional[float] = None,
        expires: Optional[Union[datetime, int, float, str]] = None,
        path: str = "/",
        domain: Optional[str] = None,
        secure: Optional[bool] = None,
        http_only: bool = True,
        same_site: Optional[str] = "lax",
        signed: bool = True,
        encrypt: bool = False,
        overwrite: bool = False,
    ) -> "Cookies":
        """Add a ``Set-Cookie`` for ``name`` (and ``name.sig`` when signed); None deletes it."""
        _check("name", name, _TOKEN)
        request = self._request
        if secure is None:
            secure = bool(request.secure)
        elif secure and not request.secure:
            raise ValueError("Cannot send secure cookie over unencrypted connection")
        deleting = value is None
        if deleting:
            value, max_age, expires = "", None, _EPOCH
        else:
            if not isinstance(value, str):
                raise ValueError(f"cookie value for {name!r} must be a str, not {type(value).__name__}")
            if encrypt:
                value = self._keygrip().encrypt(value, name)
                signed = False
            else:
                _check("value", value, _VALUE)
            if len(value) > MAX_VALUE_BYTES:
                self._app.emit("cookie_limit_exceed", {"name": name, "value": value, "ctx": self.ctx})
                log.warning("cookie %r not set: its value is %d bytes, over the %d-byte limit",
                            name, len(value), MAX_VALUE_BYTES)
                return self
        attrs = [f"{name}={value}", f"path={_check('path', path, _ATTR)}"]
        if max_age is not None:
            seconds = int(max_age)
            attrs.append(f"max-age={seconds}")
            if expires is None:
                expires = datetime.now(timezone.utc).timestamp() + seconds
        if expires is not None:
            attrs.append(f"expires={_expires(expires)}")
        if domain:
            attrs.append(f"domain={_check('domain', domain, _ATTR)}")
        if same_site:
            key = str(same_site).lower()
            if key not in _SAME_SITE:
                raise ValueError(f"cookie same_site {same_site!r} is invalid: use 'lax', 'strict' or 'none'")
            attrs.append(f"samesite={_SAME_SITE[key]}")
        if secure:
            attrs.append("secure")
        if http_only:
            attrs.append("httponly")
        self._push(name, "; ".join(attrs), overwrite)
        if signed:
            sig_value = "" if deleting else self._keygrip().sign(f"{name}={value}")
            sig_attrs = [f"{name}.sig={sig_value}"] + attrs[1:]
            self._push(name + ".sig", "; ".join(sig_attrs), overwrite)
        return self

    def _push(self, name: str, line: str, overwrite: bool) -> None:
        response = self._response
        previous = response.get("set-cookie")
        lines = [previous] if isinstance(previous, str) and previous else list(previous or [])
        if overwrite:
            prefix = name + "="
            lines = [existing for existing in lines if not existing.startswith(prefix)]
        lines.append(line)
        response.set("Set-Cookie", lines)

    def _keygrip(self) -> Keygrip:
        return self._app.keygrip


class CookiesProperty:
    """``ctx.cookies``: one :class:`Cookies` per request, made on first use."""

    def __get__(self, ctx: Any, owner: Optional[type] = None) -> Any:
        if ctx is None:
            return self
        cookies = ctx.__dict__.get("_eggfast_cookies")
        if cookies is None:
            cookies = ctx.__dict__["_eggfast_cookies"] = Cookies(ctx)
        return cookies
