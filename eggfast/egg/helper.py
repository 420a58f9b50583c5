"""``ctx.helper``: per-request helpers (SPEC §9).

Built in: ``escape(s)`` (HTML-escape ``& < > " '``), ``shtml(s)`` (keep a
whitelist of safe tags and attributes, drop the rest, neutralise
``javascript:``-style URLs), ``path_for(name, params)`` (the path of a named
route) and ``url_for(name, params)`` (the same, absolute with protocol and
host).  ``app/extend/helper.py`` adds more.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Mapping, Optional

from eggfast.egg.base_context_class import BaseContextClass

__all__ = ["Helper", "HelperProperty", "escape", "shtml"]

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_ESCAPE_RE = re.compile(r"[&<>\"']")


def escape(value: Any) -> str:
    """HTML-escape ``& < > " '`` (``None`` → ``""``)."""
    if value is None:
        return ""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], str(value))


#: tag -> allowed attributes (a small, conservative whitelist)
WHITELIST: dict[str, tuple[str, ...]] = {
    **{tag: ("title",) for tag in (
        "abbr", "b", "blockquote", "br", "caption", "code", "del", "div", "em", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul")},
    "a": ("href", "title", "target"),
    "img": ("src", "alt", "title", "width", "height"),
}
_VOID = {"br", "hr", "img"}
_DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea", "select"}
_URL_ATTRS = {"href", "src"}
_SAFE_SCHEME = re.compile(r"^(?:https?:|mailto:|#|/|\.|[^:/?#]*(?:[/?#]|$))", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP_CONTENT:
            self.dropping += 1
            return
        if self.dropping or tag not in WHITELIST:
            return
        allowed = WHITELIST[tag]
        parts = [tag]
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name in _URL_ATTRS and not _SAFE_SCHEME.match(_CONTROL.sub("", value)):
                continue
            parts.append(f'{name}="{escape(value)}"')
        self.out.append(f"<{' '.join(parts)}{' /' if tag in _VOID else ''}>")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _DROP_CONTENT:
            self.dropping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping or tag not in WHITELIST or tag in _VOID:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(escape(data))


def shtml(value: Any) -> str:
    """Keep only whitelisted tags/attributes of an HTML fragment (XSS filter)."""
    if value is None:
        return ""
    parser = _Sanitizer()
    parser.feed(str(value))
    parser.close()
    return "".join(parser.out)


class Helper(BaseContextClass):
    """``ctx.helper``; per-app subclass ``app.helper_class`` receives ``extend/helper.py``."""

    path_name = "helper"

    def escape(self, value: Any) -> str:
        return escape(value)

    def shtml(self, value: Any) -> str:
        return shtml(value)

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
