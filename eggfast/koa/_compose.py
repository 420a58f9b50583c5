"""Selector for the onion dispatcher (hot path ``compose`` in :mod:`eggfast.twins`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from eggfast.koa._compose_py import Composed as ComposedPy, compose as compose_py
from eggfast.twins import select

compose_c: Optional[Any]
if TYPE_CHECKING:
    compose = compose_py
    compose_c = None
else:
    _twins = select("compose")
    compose = _twins.active.compose.compose
    compose_c = _twins.compiled.compose.compose if _twins.compiled else None

__all__ = ["compose", "compose_py", "compose_c", "ComposedPy"]
