"""The safe ``ctx.response.redirect`` (the security plugin's response extend)."""
from __future__ import annotations

from typing import Any, Optional

from eggfast.plugins.security.domains import redirect_target, same_host
from eggfast.plugins.security.options import security_options


class SecurityResponse:
    def redirect(self, url: str, alt: Optional[str] = None) -> None:
        """Redirect only where it is safe; anywhere else goes to ``/``.

        ``'back'`` follows the Referer only when it is this host, else ``alt``
        (checked like any url), else ``/``.  A local path (``/x``, not ``//x``
        or ``/\\x``) is kept; an absolute URL must be ``http(s)://`` with a
        plain host and no user info, and, when
        ``config.security.domain_white_list`` is set, a host on it.  Control
        characters, other schemes and ``https:evil`` become ``/``.  A host the
        white list refuses is logged as a warning.
        """
        if url == "back":
            referer = self.ctx.get("Referrer")
            if referer and same_host(referer, self.ctx.host):
                self.unsafe_redirect(referer)
                return
            url = alt or "/"
        app = self.app
        target = redirect_target(url, security_options(app).domain_white_list,
                                 lambda bad, host: app.core_logger.warning(
                                     "[eggfast:security] redirect to %r refused: host %r is not in "
                                     "config.security.domain_white_list; redirected to /", bad, host))
        self.unsafe_redirect(target)

    def unsafe_redirect(self, url: str, alt: Optional[str] = None) -> Any:
        """Koa's redirect, unchecked (``ctx.unsafe_redirect``)."""
        return self.app.context_twin.response.Response.redirect(self, url, alt)
