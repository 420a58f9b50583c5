"""Route patterns: a path such as ``/users/:id(\\d+)`` parsed into tokens.

One token per ``/``-separated segment: ``("s", literal)`` static,
``("p", name, regex_source | None, optional)`` a param, ``("w", name)`` a
wildcard.  See :mod:`eggfast.router` for the syntax.
"""
from __future__ import annotations

import re
from typing import Iterable
from urllib.parse import quote

from eggfast.errors import RouterError

MAX_PARAMS = 32
_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)(?:\((.+)\))?(\?)?\Z", re.S)
_WILD = re.compile(r"\*([A-Za-z_][A-Za-z0-9_]*)?\Z")
_STATIC_SAFE = "%!$&'()*+,;=:@-._~"

# A parsed segment: ("s", literal) | ("p", name, regex_source | None, optional) | ("w", name)
Token = tuple

def _split(path: str) -> list[str]:
    """Split on ``/`` outside parentheses (a regex may contain ``/``)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(path):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "/" and depth == 0:
            parts.append(path[start:i])
            start = i + 1
    parts.append(path[start:])
    return parts


def parse_path(path: str) -> list[Token]:
    """Parse a route pattern into tokens; ``RouterError`` when it is malformed."""
    if not isinstance(path, str):
        raise RouterError(f"route path must be a str, not {type(path).__name__}")
    if path in ("", "/"):
        return []
    if not path.startswith("/"):
        raise RouterError(f"route path {path!r} must start with '/'")
    if path.endswith("/"):
        path = path[:-1]
    segments = _split(path[1:])
    tokens: list[Token] = []
    names: set[str] = set()
    for i, seg in enumerate(segments):
        if seg.startswith(":"):
            m = _PARAM.match(seg)
            if m is None:
                raise RouterError(f"bad param segment {seg!r} in route {path!r}")
            name, rx, opt = m.group(1), m.group(2), m.group(3)
            if rx is not None:
                try:
                    re.compile(rx)
                except re.error as exc:
                    raise RouterError(f"bad regex {rx!r} in route {path!r}: {exc}") from None
            token: Token = ("p", name, rx, bool(opt))
        elif seg.startswith("*"):
            m = _WILD.match(seg)
            if m is None:
                raise RouterError(f"bad wildcard segment {seg!r} in route {path!r}")
            if i != len(segments) - 1:
                raise RouterError(f"wildcard {seg!r} must be the last segment of {path!r}")
            name = m.group(1) or "*"
            token = ("w", name)
        elif seg == "":
            raise RouterError(f"empty segment in route {path!r}")
        else:
            token = ("s", quote(seg, safe=_STATIC_SAFE))
        if token[0] != "s":
            if token[1] in names:
                raise RouterError(f"param {token[1]!r} repeated in route {path!r}")
            names.add(token[1])
        tokens.append(token)
    if len(names) > MAX_PARAMS:
        raise RouterError(f"route {path!r} has more than {MAX_PARAMS} params")
    return tokens


def expand(tokens: list[Token]) -> list[list[Token]]:
    """Every concrete variant of ``tokens`` (optional params present first)."""
    variants: list[list[Token]] = [[]]
    for tok in tokens:
        if tok[0] == "p" and tok[3]:
            present = ("p", tok[1], tok[2], False)
            variants = [v + [present] for v in variants] + [list(v) for v in variants]
        else:
            variants = [v + [tok] for v in variants]
    # keep "all present" first, then fewer params; dedupe while keeping order
    seen: set[tuple] = set()
    out = []
    for v in variants:
        key = tuple(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def shape(tokens: Iterable[Token]) -> tuple:
    """Tokens with param names dropped: two routes with one shape are the same pattern."""
    return tuple(("s", t[1]) if t[0] == "s" else ("p", t[2], t[3]) if t[0] == "p" else ("w",) for t in tokens)


__all__ = ["MAX_PARAMS", "Token", "parse_path", "expand", "shape"]
