"""Selector for the onion dispatcher: ``compose`` is the active twin."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _speedups
from ._compose_py import Composed as ComposedPy, compose as compose_py

if TYPE_CHECKING:
    compose = compose_py
    compose_c = None
else:
    def _load():
        from ._compose_c import compose as c

        return c

    compose, compose_c = _speedups.select("compose", compose_py, _load)

__all__ = ["compose", "compose_py", "compose_c", "ComposedPy"]
