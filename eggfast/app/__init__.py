"""The framework's own Egg unit: its core middleware live in ``eggfast/app/middleware/``.

Also the small request predicates those middleware and :mod:`eggfast.plugins.onerror.handler`
share (:func:`accept_json`, :func:`has_body`).
"""
from __future__ import annotations

from typing import Any

__all__ = ["accept_json", "has_body"]


def accept_json(ctx: Any) -> bool:
    """Egg's ``ctx.acceptJSON``.

    True when the path ends with ``.json``, the response type already is
    JSON, or ``accepts('html', 'text', 'json')`` picks ``json``.  A context
    that defines its own ``accept_json`` (an extend) is asked instead.
    """
    own = getattr(ctx, "accept_json", None)
    if isinstance(own, bool):
        return own
    if ctx.path.endswith(".json"):
        return True
    if "json" in (ctx.response.type or ""):
        return True
    return ctx.accepts("html", "text", "json") == "json"


def has_body(body: Any) -> bool:
    """True when a response body is set (JS truthiness for the empty string)."""
    if body is None:
        return False
    if isinstance(body, (str, bytes, bytearray)) and not body:
        return False
    return True
