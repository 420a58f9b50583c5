"""What every template sees: app and ctx locals, the data, ``ctx``, ``request``, ``helper``, ``csrf``, ``nonce``, ``__``."""
from __future__ import annotations

from typing import Any, Callable, Optional

from markupsafe import escape

__all__ = ["template_locals", "Lazy"]


class Lazy:
    """A value computed the first time a template prints it (so ``csrf`` sets its cookie only when used)."""

    __slots__ = ("_fn", "_value")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._fn = fn
        self._value: Any = None

    def _get(self) -> str:
        if self._value is None:
            self._value = str(self._fn())
        return self._value

    def __str__(self) -> str:
        return self._get()

    def __html__(self) -> str:
        return str(escape(self._get()))

    def __eq__(self, other: object) -> bool:
        return self._get() == other

    def __hash__(self) -> int:
        return hash(self._get())


def template_locals(ctx: Any, data: Optional[dict]) -> dict[str, Any]:
    """``ctx.locals`` + ``data`` + the names eggfast adds (which data may not replace)."""
    values = dict(ctx.locals)
    if data:
        values.update(data)
    values["ctx"] = ctx
    values["request"] = ctx.request
    values["helper"] = ctx.helper
    if hasattr(type(ctx), "csrf"):
        values["csrf"] = Lazy(lambda: ctx.csrf)
    if hasattr(type(ctx), "nonce"):
        values["nonce"] = Lazy(lambda: ctx.nonce)
    gettext = getattr(ctx, "gettext", None)
    if gettext is not None:
        values["__"] = gettext
        values["gettext"] = gettext
    return values
