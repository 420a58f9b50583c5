"""``dta``: refuse request paths with a ``..`` segment, however it is spelt.

Browsers resolve dot segments before they send a URL, so a ``..`` segment
in a request path comes from a tool or an attacker probing for files
outside a served folder.  Egg rejects a path only when, decoded once and
normalised, it climbs above the root; eggfast rejects every ``..`` segment,
because a handler or a file server further down may decode or join the path
differently.  Spellings recognised: ``..``, ``%2e%2e`` (any case, any
mix), double encoding (``%252e``), overlong UTF-8 (``%c0%ae``,
``%e0%80%ae``), IIS's ``%u002e``, the full-width dot, and both ``/`` and
``\\`` (also encoded: ``%2f``, ``%5c``) as separators; a path parameter
(``..;x``) or trailing spaces do not hide the segment.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["is_safe_path"]

_ODD_DOTS = re.compile(r"%c0%ae|%c0%2e|%e0%80%ae|%u002e|%uff0e", re.IGNORECASE)
_SEPARATORS = re.compile(r"[/\\]")
_MAX_DECODES = 4


def is_safe_path(path: str) -> bool:
    """False when ``path`` has a ``..`` segment in any encoding listed in the module docs."""
    if "." not in path and "%" not in path:
        return True  # PERF: the common path has nothing to decode
    for _ in range(_MAX_DECODES):
        if "%" not in path:
            break
        decoded = unquote(_ODD_DOTS.sub(".", path), errors="replace")
        if decoded == path:
            break
        path = decoded
    else:
        if "%" in path and unquote(path, errors="replace") != path:
            return False  # still encoded after several rounds: nothing legitimate does that
    path = path.replace("\uff0e", ".")
    for segment in _SEPARATORS.split(path):
        if segment.split(";", 1)[0].strip() == "..":
            return False
    return True
