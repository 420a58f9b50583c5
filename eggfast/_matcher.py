"""Selector for the route matcher: ``Matcher`` is the active twin."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _speedups
from . import _matcher_py as matcher_py
from ._matcher_py import Matcher as MatcherPy

if TYPE_CHECKING:
    matcher = matcher_py
    matcher_c = None
    MatcherC = None
else:
    def _load():
        from . import _matcher_c

        return _matcher_c

    matcher, matcher_c = _speedups.select("matcher", matcher_py, _load)
    MatcherC = matcher_c.Matcher if matcher_c is not None else None

Matcher = matcher.Matcher
decode_param = matcher.decode_param

__all__ = ["Matcher", "MatcherPy", "MatcherC", "matcher", "matcher_py", "matcher_c", "decode_param"]
