"""The frozen route table both matcher twins walk (plain tuples and dicts).

Built once by :meth:`eggfast.router.Router.freeze`; see
``eggfast/router/_matcher_py.py`` for the shape the twins expect.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from eggfast.router.patterns import Token, expand

class _BuildNode:
    __slots__ = ("static", "params", "wild", "routes")

    def __init__(self) -> None:
        self.static: dict[str, _BuildNode] = {}
        self.params: list[tuple[str | None, _BuildNode]] = []
        self.wild: _BuildNode | None = None
        self.routes: list[tuple[tuple[str, ...] | None, int]] = []

    def child(self, tok: Token) -> "_BuildNode":
        if tok[0] == "s":
            node = self.static.get(tok[1])
            if node is None:
                node = self.static[tok[1]] = _BuildNode()
            return node
        if tok[0] == "p":
            for rx, node in self.params:
                if rx == tok[2]:
                    return node
            node = _BuildNode()
            self.params.append((tok[2], node))
            return node
        if self.wild is None:
            self.wild = _BuildNode()
        return self.wild

    def freeze(self, regex_cache: dict[str, Any]) -> tuple:
        static = {key: node.freeze(regex_cache) for key, node in self.static.items()}
        params = []
        for rx, node in self.params:
            compiled = None
            if rx is not None:
                compiled = regex_cache.get(rx)
                if compiled is None:
                    compiled = regex_cache[rx] = re.compile(rx)
            params.append((compiled, node.freeze(regex_cache)))
        wild = self.wild.freeze(regex_cache) if self.wild is not None else None
        return (static, tuple(params), wild, self._leaf())

    def _leaf(self) -> tuple | None:
        if not self.routes:
            return None
        explicit: list[str] = []
        for methods, _ in self.routes:
            for m in methods or ():
                if m not in explicit:
                    explicit.append(m)
        if "GET" in explicit and "HEAD" not in explicit:
            explicit.append("HEAD")
        any_route = next((index for methods, index in self.routes if methods is None), -1)
        table: dict[str, int] = {}
        for m in explicit:
            primary = [i for methods, i in self.routes if methods is None or m in methods]
            if primary:
                table[m] = primary[0]
            elif m == "HEAD":
                table[m] = next(i for methods, i in self.routes if methods and "GET" in methods)
        allowed = frozenset(explicit) | {"OPTIONS"} if explicit else frozenset()
        return (table, any_route, allowed)


def build_table(entries: Iterable[tuple[list[Token], tuple[str, ...] | None, Any]]) -> tuple:
    """Build the frozen table from ``(tokens, methods_or_None, route)`` in priority order.

    Optional params are expanded here.  Returns ``(root, routes)`` as the
    matcher twins expect (see ``eggfast.router._matcher_py``).
    """
    root = _BuildNode()
    routes: list[tuple[Any, tuple[str, ...]]] = []
    for tokens, methods, route in entries:
        for variant in expand(tokens):
            node = root
            for tok in variant:
                node = node.child(tok)
            routes.append((route, tuple(t[1] for t in variant if t[0] != "s")))
            node.routes.append((methods, len(routes) - 1))
    return (root.freeze({}), tuple(routes))


__all__ = ["build_table"]
