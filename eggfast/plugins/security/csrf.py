"""CSRF: the secret, the tokens and the checks (``ctx.csrf``, ``ctx.assert_csrf()``).

* **Secret**: 16 random bytes as hex, in the cookie ``csrfToken``
  (readable by scripts so that single-page apps can echo it; not signed
  unless ``cookie_options`` says so).
* **Token** (``ctx.csrf``): ``salt.mac`` where ``mac`` is an HMAC-SHA256 of
  a fresh random salt keyed by the secret, so each page gets a different
  token (BREACH) and a token made under another secret fails.  The secret
  itself is accepted as a token too (Egg's double submit for AJAX).
  Comparisons are constant-time.
* **Checks**: ``ctoken`` (token against secret), ``referer`` (the Referer's
  host is this host or on ``referer_white_list``), ``all`` (both) and
  ``any`` (either).  A failure raises :class:`CsrfError` (403) whose
  message names the cause, where the token was looked for, and the fix.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from typing import Any, Mapping, Optional

from eggfast.errors import HttpError
from eggfast.plugins.security.domains import is_safe_domain, split_absolute, hostname_of
from eggfast.plugins.security.options import CsrfOptions

__all__ = ["CsrfError", "NEW_SECRET_KEY", "csrf_problem", "new_secret", "plant_secret", "create_token", "verify_token", "assert_csrf", "csrf_secret", "request_secret",
           "ensure_csrf_secret", "rotate_csrf_secret", "token_for"]

_SALT_CHARS = 8
_SECRET = re.compile(r"[A-Za-z0-9_\-]{16,128}\Z")
_SECRET_KEY = "_eggfast_csrf_secret"
#: where ctx keeps a secret made during the request
NEW_SECRET_KEY = "_eggfast_csrf_new_secret"
_IGNORE_HINT = "or skip the check for this path with security.csrf.ignore"


class CsrfError(HttpError):
    """A failed CSRF check: 403; ``cause`` is ``missing csrf token``, ``invalid csrf token``,
    ``missing csrf referer`` or ``invalid csrf referer``."""

    def __init__(self, cause: str, message: str) -> None:
        super().__init__(403, message, cause=cause)


def new_secret() -> str:
    """A fresh secret: 16 random bytes as 32 hex digits."""
    return os.urandom(16).hex()


def _mac(secret: str, salt: str) -> str:
    digest = hmac.new(secret.encode(), salt.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def create_token(secret: str) -> str:
    """A salted token for ``secret`` (a new salt each call)."""
    salt = secrets.token_urlsafe(6)
    return f"{salt}.{_mac(secret, salt)}"


def verify_token(secret: str, token: Any) -> bool:
    """Whether ``token`` is ``secret`` itself or a token :func:`create_token` made from it."""
    if not secret or not isinstance(token, str) or not token:
        return False
    sent = token.encode("utf-8", "surrogatepass")
    if hmac.compare_digest(sent, secret.encode()):
        return True
    salt, dot, mac = token.partition(".")
    if not dot or len(salt) != _SALT_CHARS:
        return False
    return hmac.compare_digest(mac.encode("utf-8", "surrogatepass"), _mac(secret, salt).encode())


# --- the secret in its cookie ------------------------------------------------------------


def request_secret(ctx: Any, options: CsrfOptions) -> str:
    """The secret the request's cookie holds (``''`` if none or malformed): what checks use."""
    store = ctx.__dict__
    secret = store.get(_SECRET_KEY)
    if secret is None:
        secret = ""
        header = ctx.request.headers.get("cookie")
        # PERF: a header that cannot hold the cookie (a first visit, other cookies only)
        # is not parsed; a false hit (the text inside another value) is parsed as usual.
        if header and any(name + "=" in header for name in options.cookie_name):
            signed = bool(options.cookie_options.get("signed", False))
            for name in options.cookie_name:
                value = ctx.cookies.get(name, signed=signed)
                if value and _SECRET.match(value):
                    secret = value
                    break
        store[_SECRET_KEY] = secret
    return secret


def csrf_secret(ctx: Any, options: CsrfOptions) -> str:
    """The secret tokens are made from: one set during this request, else the cookie's."""
    return ctx.__dict__.get(NEW_SECRET_KEY) or request_secret(ctx, options)


def ensure_csrf_secret(ctx: Any, options: CsrfOptions, rotate: bool = False) -> str:
    """The secret, after setting a new one in the cookie when there is none (or ``rotate``)."""
    secret = csrf_secret(ctx, options)
    if secret and not rotate:
        return secret
    return plant_secret(ctx, options)


def plant_secret(ctx: Any, options: CsrfOptions) -> str:
    """Make a new secret for this request and set it in the secret cookie."""
    secret = os.urandom(16).hex()  # new_secret(), inlined: this runs on every first visit
    ctx.__dict__[NEW_SECRET_KEY] = secret
    plain = options.plain_cookie
    headers = ctx.response._headers
    if plain is not None and "set-cookie" not in headers:
        # PERF: the default cookie needs none of ctx.cookies.set()'s checks (its name was
        # checked at start-up, the value is hex) and is written straight into the response's
        # header dict; tests/security compare the line with what ctx.cookies.set() writes.
        suffix = plain[1] if ctx.secure else plain[0]
        names = options.cookie_name
        if len(names) == 1:
            headers["set-cookie"] = ("Set-Cookie", f"{names[0]}={secret}{suffix}")
        else:
            headers["set-cookie"] = ("Set-Cookie", [f"{name}={secret}{suffix}" for name in names])
        return secret
    cookie: dict[str, Any] = {"signed": False, "http_only": False, "overwrite": True}
    domain = options.cookie_domain
    if callable(domain):
        domain = domain(ctx)
    if domain:
        cookie["domain"] = domain
    cookie.update(options.cookie_options)
    for name in options.cookie_name:
        ctx.cookies.set(name, secret, **cookie)
    return secret


def rotate_csrf_secret(ctx: Any, options: CsrfOptions) -> None:
    """A new secret (call it at login); once per request."""
    if not ctx.__dict__.get(NEW_SECRET_KEY):
        ensure_csrf_secret(ctx, options, rotate=True)


def token_for(ctx: Any, options: CsrfOptions) -> str:
    """``ctx.csrf``: a new salted token, setting the secret cookie first when needed."""
    return create_token(ensure_csrf_secret(ctx, options))


# --- the checks --------------------------------------------------------------------------


def _find(source: Any, names: tuple[str, ...]) -> Any:
    if not isinstance(source, Mapping):
        return None
    for name in names:
        value = source.get(name)
        if value:
            return value
    return None


def _input_token(ctx: Any, options: CsrfOptions) -> tuple[Any, str]:
    """``(token, where it came from)``; Egg's order: query, then body, then header."""
    if not options.api_only:
        token = _find(ctx.query, options.query_name)
        if token:
            return token, "query"
        token = _find(ctx.request.body, options.body_name)
        if token:
            return token, "body"
    if options.header_name:
        token = ctx.request.headers.get(options.header_name)
        if token:
            return token, f"header {options.header_name}"
    return None, ""


def _ctoken_problem(ctx: Any, options: CsrfOptions) -> Optional[CsrfError]:
    secret = request_secret(ctx, options)
    cookie = options.cookie_name[0]
    fix = f"Fix: send ctx.csrf in {options.token_places}, {_IGNORE_HINT}."
    if not secret:
        where = "when ctx.csrf is read" if options.api_only else "on any earlier request, or when ctx.csrf is read"
        return CsrfError("missing csrf token", f"missing csrf token: the request has no {cookie} cookie, which "
                         f"holds the secret the token is checked against (eggfast sets it {where}). {fix}")
    token, where = _input_token(ctx, options)
    if not token:
        return CsrfError("missing csrf token", f"missing csrf token: none in {options.token_places}. {fix}")
    if verify_token(secret, token):
        return None
    if options.rotate_when_invalid:
        rotate_csrf_secret(ctx, options)
    return CsrfError("invalid csrf token", f"invalid csrf token: the token in {where} does not match the "
                     f"{cookie} cookie (a stale page, or a token of another session). {fix}")


def _referer_problem(ctx: Any, options: CsrfOptions) -> Optional[CsrfError]:
    fix = f"Fix: add the host to security.csrf.referer_white_list, {_IGNORE_HINT}."
    referer = ctx.request.headers.get("referer") or ""
    if not referer:
        return CsrfError("missing csrf referer", f"missing csrf referer: the request has no Referer header and "
                         f"security.csrf.type is {options.type!r}. {fix}")
    parts = split_absolute(referer.strip())
    host = hostname_of(parts[1]) if parts is not None and parts[0] in ("http", "https") else None
    if host:
        own = ctx.hostname.lower()
        if host.strip("[]") == own or is_safe_domain(host, options.referer_white_list):
            return None
    shown = host or referer[:100]
    return CsrfError("invalid csrf referer", f"invalid csrf referer: Referer {shown!r} is neither this host nor "
                     f"in security.csrf.referer_white_list. {fix}")


def csrf_problem(ctx: Any, options: CsrfOptions) -> Optional[CsrfError]:
    """The :class:`CsrfError` the request fails with under ``options.type``, or None when it passes.

    Returned, not raised: the middleware answers with it, and an error never
    raised carries no traceback that would keep ``ctx`` alive in a cycle.
    Paths that ``security.csrf.ignore`` skips (or ``match`` leaves out) pass.
    """
    if options.applies is not None and not options.applies(ctx):
        return None
    kind = options.type
    if kind == "ctoken":
        return _ctoken_problem(ctx, options)
    if kind == "referer":
        return _referer_problem(ctx, options)
    if kind == "all":
        return _ctoken_problem(ctx, options) or _referer_problem(ctx, options)
    problem = _ctoken_problem(ctx, options)  # any
    if problem is None:
        return None
    second = _referer_problem(ctx, options)
    if second is None:
        return None
    return CsrfError(problem.cause, f"both ctoken and referer check error: {problem.message} And {second.message}")


def assert_csrf(ctx: Any, options: CsrfOptions) -> None:
    """Raise :class:`CsrfError` (403) unless the request passes (see :func:`csrf_problem`)."""
    problem = csrf_problem(ctx, options)
    if problem is not None:
        raise problem
