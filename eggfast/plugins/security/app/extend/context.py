"""``ctx.csrf``, ``ctx.assert_csrf()``, ``ctx.rotate_csrf_secret()``, ``ctx.nonce``,
``ctx.is_safe_domain()``, and the safe ``ctx.redirect`` (the security plugin's context extend)."""
from __future__ import annotations

import secrets
from typing import Any, Optional, Sequence

from eggfast.plugins.security import csrf as _csrf
from eggfast.plugins.security.domains import is_safe_domain
from eggfast.plugins.security.options import security_options


class SecurityContext:
    @property
    def csrf(self) -> str:
        """A CSRF token to embed in a form or send back as ``x-csrf-token``; sets the
        ``csrfToken`` secret cookie first when the request has none.  A new salt each read."""
        return _csrf.token_for(self, security_options(self.app).csrf)

    def assert_csrf(self) -> None:
        """Raise a 403 :class:`~eggfast.plugins.security.csrf.CsrfError` unless the request
        passes ``config.security.csrf`` (paths it ignores always pass)."""
        _csrf.assert_csrf(self, security_options(self.app).csrf)

    def ensure_csrf_secret(self, rotate: bool = False) -> None:
        """Set the secret cookie when there is none (or always with ``rotate``)."""
        _csrf.ensure_csrf_secret(self, security_options(self.app).csrf, rotate)

    def rotate_csrf_secret(self) -> None:
        """Replace the secret (do it at login): tokens made before stop working."""
        _csrf.rotate_csrf_secret(self, security_options(self.app).csrf)

    @property
    def nonce(self) -> str:
        """A random value for this request, for CSP ``'nonce-…'`` (the same on every read)."""
        nonce = self.__dict__.get("_eggfast_nonce")
        if nonce is None:
            nonce = self.__dict__["_eggfast_nonce"] = secrets.token_urlsafe(12)
        return nonce

    def is_safe_domain(self, domain: str, white_list: Optional[Sequence[str]] = None) -> bool:
        """Whether ``domain`` is on ``white_list`` (default ``config.security.domain_white_list``)."""
        rules = tuple(d.lower() for d in white_list) if white_list else security_options(self.app).domain_white_list
        return is_safe_domain(domain, rules)

    def redirect(self, url: str, alt: Optional[str] = None) -> None:
        """The safe redirect: see :meth:`SecurityResponse.redirect`."""
        self.response.redirect(url, alt)

    def unsafe_redirect(self, url: str, alt: Optional[str] = None) -> Any:
        """Koa's redirect, unchecked: only for targets the app itself vouches for."""
        return self.response.unsafe_redirect(url, alt)
