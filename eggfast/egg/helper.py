"""``ctx.helper``: per-request helpers (SPEC §9).

Built in: ``escape(s)`` (HTML-escape ``& < > " '``), ``shtml(s)`` (keep a
whitelist of safe tags and attributes, drop the rest, neutralise
``javascript:``-style URLs; sanitized by nh3), ``path_for(name, params)`` (the path of a named
route) and ``url_for(name, params)`` (the same, absolute with protocol and
host).  ``app/extend/helper.py`` adds more.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

import nh3

from eggfast.egg.base_context_class import BaseContextClass

__all__ = ["Helper", "HelperProperty", "escape", "shtml"]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(value: Any) -> str:
    """HTML-escape ``& < > " '`` (``None`` → ``""``)."""
    if value is None:
        return ""
    return str(value).translate(_ESCAPES)


#: tag -> allowed attributes (a small, conservative whitelist)
WHITELIST: dict[str, frozenset[str]] = {
    **{tag: frozenset({"title"}) for tag in (
        "abbr", "b", "blockquote", "br", "caption", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul")},
    "a": frozenset({"href", "title", "target"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
}
#: tags removed with everything inside them
DROP_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
                          "select"})
#: URL schemes kept in ``href`` / ``src`` (relative URLs are always kept)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_TAGS = frozenset(WHITELIST)
_URL_ATTRS = ("href", "src")


def _host_filter(domains: tuple[str, ...]) -> Any:
    from eggfast.plugins.security.domains import is_safe_domain, url_hostname

    def keep(tag: str, attribute: str, value: str) -> Optional[str]:
        if attribute not in _URL_ATTRS:
            return value
        hostname = url_hostname(value)
        if hostname is None:  # relative: same site
            return value
        return value if hostname and is_safe_domain(hostname, domains) else None

    return keep


def shtml(value: Any, domain_white_list: Sequence[str] = ()) -> str:
    """Keep only whitelisted tags and attributes of an HTML fragment (an XSS filter).

    Sanitized by nh3 (the Ammonia HTML sanitizer): tags outside
    :data:`WHITELIST` are removed (their text kept), :data:`DROP_CONTENT`
    tags go with their content, ``href``/``src`` keep only relative URLs and
    :data:`URL_SCHEMES`, links get ``rel="noopener noreferrer"``.  With a
    non-empty ``domain_white_list`` (``config.security.domain_white_list``),
    an absolute ``href``/``src`` to a host outside it is dropped, as Egg's
    shtml does.
    """
    if value is None:
        return ""
    options: dict[str, Any] = {
        "tags": _TAGS,
        "clean_content_tags": DROP_CONTENT,
        "attributes": WHITELIST,
        "url_schemes": URL_SCHEMES,
    }
    if domain_white_list:
        options["attribute_filter"] = _host_filter(tuple(d.lower() for d in domain_white_list))
    return nh3.clean(str(value), **options)


class Helper(BaseContextClass):
    """``ctx.helper``; per-app subclass ``app.helper_class`` receives ``extend/helper.py``."""

    path_name = "helper"

    def escape(self, value: Any) -> str:
        """HTML-escape ``& < > " '``."""
        return escape(value)

    def shtml(self, value: Any) -> str:
        """Sanitize an HTML fragment (see :func:`shtml`); honours ``config.security.domain_white_list``."""
        security = self.app.config.get("security") or {}
        return shtml(value, security.get("domain_white_list") or ())

    def path_for(self, name: str, params: Optional[Mapping[str, Any]] = None) -> str:
        """The path of the named route (``''`` for an unknown name)."""
        return self.app.router.url(name, params)

    def url_for(self, name: str, params: Optional[Mapping[str, Any]] = None) -> str:
        """Like :meth:`path_for`, absolute: ``http://host/path``."""
        return f"{self.ctx.protocol}://{self.ctx.host}{self.path_for(name, params)}"


class HelperProperty:
    """``ctx.helper``: one ``app.helper_class(ctx)`` per request, built on first use."""

    def __get__(self, ctx: Any, owner: Any = None) -> Any:
        if ctx is None:
            return self
        helper = ctx.__dict__["helper"] = ctx.app.helper_class(ctx)
        return helper
