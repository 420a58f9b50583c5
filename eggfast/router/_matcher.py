"""Selector for the route matcher (hot path ``matcher`` in :mod:`eggfast.twins`)."""
from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Optional

from eggfast.router import _matcher_py as matcher_py
from eggfast.router._matcher_py import Matcher as MatcherPy
from eggfast.twins import select

matcher_c: Optional[ModuleType]
MatcherC: Optional[Any]
if TYPE_CHECKING:
    matcher = matcher_py
    matcher_c = None
    MatcherC = None
else:
    _twins = select("matcher")
    matcher = _twins.active.matcher
    matcher_c = _twins.compiled.matcher if _twins.compiled else None
    MatcherC = matcher_c.Matcher if matcher_c is not None else None

Matcher = matcher.Matcher
decode_param = matcher.decode_param

__all__ = ["Matcher", "MatcherPy", "MatcherC", "matcher", "matcher_py", "matcher_c", "decode_param"]
