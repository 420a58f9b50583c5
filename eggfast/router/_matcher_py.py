"""Pure twin of the route matcher: walks the frozen table built by router.py.

The table is plain Python data (see ``eggfast.router.table.build_table``)::

    table = (root, routes)
    node  = (static: dict[str, node], params: tuple[(regex | None, node), ...],
             wildcard: node | None, leaf: leaf | None)
    leaf  = (methods: dict[str, int], any_route: int, allowed: frozenset[str])
    routes[i] = (route_object, param_names: tuple[str, ...])

``Matcher(table).match(method, path)`` returns one of:

* ``(route, params, None)``: a route for this method; ``params`` is a fresh
  dict of percent-decoded values;
* ``(route, None, None)``: a route matched but a value is not valid
  percent-encoded UTF-8 (the router answers 400);
* ``(None, None, allowed)``: the path is known, the method is not
  (``allowed`` is a sorted tuple of method names);
* ``(None, None, None)``: unknown path.

Priority at every node: the static child, then the param children in table
order, then the wildcard; a branch that dead-ends (no leaf for this method)
falls back to the next one.  The compiled twin (eggfast/router/_matcher_c.pyx) returns
the same values for every input.
"""
from __future__ import annotations

from typing import Any

#: most captures (params + wildcard) one route may have; both twins enforce it.
MAX_CAPTURES = 32

_HEX = frozenset(b"0123456789abcdefABCDEF")
_MISS: tuple[None, None, None] = (None, None, None)


def decode_param(value: str) -> str | None:
    """Percent-decode ``value`` as UTF-8; ``None`` for a bad escape or bad UTF-8."""
    if "%" not in value:
        return value
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    out = bytearray()
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == 0x25:  # '%'
            if i + 2 >= n:
                return None
            h1 = raw[i + 1]
            h2 = raw[i + 2]
            if h1 not in _HEX or h2 not in _HEX:
                return None
            out.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            out.append(c)
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _depth(node: Any) -> int:
    """Most captures on any root-to-leaf walk below ``node``."""
    best = 0
    for child in node[0].values():
        best = max(best, _depth(child))
    for _rx, child in node[1]:
        best = max(best, 1 + _depth(child))
    if node[2] is not None:
        best = max(best, 1)
    return best


def check_table(table: Any) -> None:
    """Reject a table whose routes capture more than MAX_CAPTURES values."""
    if _depth(table[0]) > MAX_CAPTURES:
        raise ValueError(f"route table has more than {MAX_CAPTURES} params on one route")


class Matcher:
    """Walks one frozen route table; see the module docstring for results."""

    __slots__ = ("root", "routes")

    def __init__(self, table: tuple) -> None:
        check_table(table)
        self.root = table[0]
        self.routes = tuple(table[1])

    def match(self, method: str, path: str) -> tuple:
        """Find the route for ``method`` and the raw ``path``."""
        if type(method) is not str or type(path) is not str:
            raise TypeError("method and path must be str")
        n = len(path)
        if n == 0 or path[0] != "/":
            return _MISS
        if n > 1 and path[n - 1] == "/":
            path = path[: n - 1]
        segs = [] if len(path) == 1 else path[1:].split("/")
        caps: list[str] = []
        index = _walk(self.root, segs, 0, method, caps)
        if index >= 0:
            route, names = self.routes[index]
            params = {}
            for name, raw in zip(names, caps):
                value = decode_param(raw)
                if value is None:
                    return (route, None, None)
                params[name] = value
            return (route, params, None)
        allowed: set[str] = set()
        _allow(self.root, segs, 0, allowed)
        if not allowed:
            return _MISS
        return (None, None, tuple(sorted(allowed)))


def _leaf_route(leaf: Any, method: str) -> int:
    return leaf[0].get(method, leaf[1])


def _walk(node: Any, segs: list, i: int, method: str, caps: list) -> int:
    if i == len(segs):
        leaf = node[3]
        if leaf is None:
            return -1
        return _leaf_route(leaf, method)
    seg = segs[i]
    child = node[0].get(seg)
    if child is not None:
        found = _walk(child, segs, i + 1, method, caps)
        if found >= 0:
            return found
    if seg:
        for rx, child in node[1]:
            if rx is not None and rx.fullmatch(seg) is None:
                continue
            caps.append(seg)
            found = _walk(child, segs, i + 1, method, caps)
            if found >= 0:
                return found
            caps.pop()
    wild = node[2]
    if wild is not None:
        rest = "/".join(segs[i:])
        if rest and wild[3] is not None:
            found = _leaf_route(wild[3], method)
            if found >= 0:
                caps.append(rest)
                return found
    return -1


def _allow(node: Any, segs: list, i: int, out: set) -> None:
    if i == len(segs):
        if node[3] is not None:
            out.update(node[3][2])
        return
    seg = segs[i]
    child = node[0].get(seg)
    if child is not None:
        _allow(child, segs, i + 1, out)
    if seg:
        for rx, child in node[1]:
            if rx is None or rx.fullmatch(seg) is not None:
                _allow(child, segs, i + 1, out)
    wild = node[2]
    if wild is not None and wild[3] is not None and "/".join(segs[i:]):
        out.update(wild[3][2])


__all__ = ["Matcher", "decode_param", "check_table", "MAX_CAPTURES"]
