"""Differential tests: random route sets and paths, ``py == c == naive oracle``.

The oracle is a linear scan of one regex per (expanded) route, written here
without the router's tree.  It implements the documented priority rules on
its own: compare routes segment by segment (static < param < wildcard; params
at one position in the order their prefix first appeared), take the best
route whose leaf serves the method (GET serving HEAD only when no route there
names HEAD or ALL), else report the union of the methods of every matching
route (405), else nothing (404).
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Optional
from urllib.parse import unquote_to_bytes

from hypothesis import HealthCheck, example, given, settings, strategies as st

from eggfast.router import _matcher
from eggfast.router import Router

from router_helpers import noop

STATICS = ["a", "b", "ab", "v1"]
REGEXES = [None, r"\d+", r"[ab]+"]
METHODS = ["GET", "POST", "HEAD", "OPTIONS", "DELETE", None]
REQUEST_METHODS = ["GET", "POST", "HEAD", "OPTIONS", "DELETE", "PATCH", "PROPFIND"]
PATH_SEGMENTS = ["a", "b", "ab", "v1", "1", "12", "", "a%20b", "%zz", "%C3%A9", "\u00e9", "x"]


# --------------------------------------------------------------------------- generators
@st.composite
def route_specs(draw: Any) -> list[tuple[Optional[str], list[tuple]]]:
    """Routes as token lists: ("s", lit) | ("p", name, regex, optional) | ("w", name)."""
    routes = []
    for _ in range(draw(st.integers(1, 12))):
        tokens: list[tuple] = []
        for pos in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from("sssppw"))
            if kind == "s":
                tokens.append(("s", draw(st.sampled_from(STATICS))))
            elif kind == "p":
                name = draw(st.sampled_from("xyz")) + str(pos)
                tokens.append(("p", name, draw(st.sampled_from(REGEXES)), draw(st.booleans())))
            else:
                tokens.append(("w", draw(st.sampled_from(["*", "*rest"]))))
                break
        routes.append((draw(st.sampled_from(METHODS)), tokens))
    return routes


def pattern_of(tokens: list[tuple]) -> str:
    out = []
    for tok in tokens:
        if tok[0] == "s":
            out.append(tok[1])
        elif tok[0] == "p":
            out.append(":" + tok[1] + (f"({tok[2]})" if tok[2] else "") + ("?" if tok[3] else ""))
        else:
            out.append(tok[1])
    return "/" + "/".join(out)


def dedupe(routes: list) -> list:
    """Drop a route whose method and pattern (names aside) repeat an earlier one."""
    seen, out = set(), []
    for method, tokens in routes:
        key = (method, tuple((t[0], t[1]) if t[0] == "s" else (t[0], t[2], t[3]) if t[0] == "p" else ("w",)
                             for t in tokens))
        if key not in seen:
            seen.add(key)
            out.append((method, tokens))
    return out


paths = st.one_of(
    st.lists(st.sampled_from(PATH_SEGMENTS), max_size=5).map(lambda s: "/" + "/".join(s)),
    st.lists(st.sampled_from(PATH_SEGMENTS), max_size=5).map(lambda s: "/" + "/".join(s) + "/"),
    st.sampled_from(["", "/", "//", "*", "a/b"]),
)


# --------------------------------------------------------------------------- oracle
def oracle_decode(value: str) -> Optional[str]:
    if "%" not in value:
        return value
    if re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return None
    try:
        return unquote_to_bytes(value.encode("utf-8")).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


class Oracle:
    def __init__(self, routes: list) -> None:
        self.variants = []  # (route_index, methods, shape, regex, names, regex_constraints)
        for index, (method, tokens) in enumerate(routes):
            optional = [i for i, t in enumerate(tokens) if t[0] == "p" and t[3]]
            combos = [tuple(reversed(c)) for c in itertools.product((True, False), repeat=len(optional))]
            for combo in combos:
                present = dict(zip(optional, combo))
                concrete = [t for i, t in enumerate(tokens) if present.get(i, True)]
                self.variants.append((index, method, concrete))
        self.compiled = []
        for vi, (index, method, tokens) in enumerate(self.variants):
            rx, names, checks, shape = "", [], [], []
            for t in tokens:
                if t[0] == "s":
                    rx += "/" + re.escape(t[1])
                    shape.append(("s", t[1]))
                elif t[0] == "p":
                    rx += "/([^/]+)"
                    names.append(t[1])
                    checks.append(t[2])
                    shape.append(("p", t[2]))
                else:
                    rx += "/(.+)"
                    names.append("*" if t[1] == "*" else t[1][1:])
                    checks.append(None)
                    shape.append(("w",))
            self.compiled.append((index, method, tuple(shape), re.compile("^" + (rx or "/") + "$", re.S), names, checks))

    def tie(self, shape: tuple, i: int) -> int:
        return min(vi for vi, c in enumerate(self.compiled) if c[2][: i + 1] == shape[: i + 1])

    def key(self, shape: tuple) -> list:
        rank = {"s": 0, "p": 1, "w": 2}
        return [(rank[tok[0]], self.tie(shape, i) if tok[0] == "p" else 0) for i, tok in enumerate(shape)]

    def leaf_winner(self, shape: tuple, method: str) -> Optional[int]:
        at_leaf = [vi for vi, c in enumerate(self.compiled) if c[2] == shape]
        for vi in at_leaf:
            if self.compiled[vi][1] in (None, method):
                return vi
        if method == "HEAD":
            for vi in at_leaf:
                if self.compiled[vi][1] == "GET":
                    return vi
        return None

    def match(self, method: str, path: str) -> tuple:
        if not path.startswith("/"):
            return (None, None, None)
        if len(path) > 1 and path.endswith("/"):
            path = path[:-1]
        hits = []
        for vi, (index, _m, shape, rx, names, checks) in enumerate(self.compiled):
            m = rx.match(path)
            if m is None:
                continue
            values = list(m.groups())
            if any(c is not None and re.fullmatch(c, v) is None for c, v in zip(checks, values)):
                continue
            hits.append((self.key(shape), vi, shape, values))
        hits.sort(key=lambda h: (h[0], h[1]))
        for _key, _vi, shape, values in hits:
            winner = self.leaf_winner(shape, method)
            if winner is not None:
                index, _m, _s, _rx, names, _c = self.compiled[winner]
                params = {}
                for name, raw in zip(names, values):
                    decoded = oracle_decode(raw)
                    if decoded is None:
                        return (index, None, None)
                    params[name] = decoded
                return (index, params, None)
        allowed = set()
        for _key, _vi, shape, _values in hits:
            methods = {self.compiled[vi][1] for vi, c in enumerate(self.compiled) if c[2] == shape} - {None}
            if "GET" in methods:
                methods.add("HEAD")
            if methods:
                allowed |= methods | {"OPTIONS"}
        return (None, None, tuple(sorted(allowed)) if allowed else None)


def build(routes: list, module: Any) -> Router:
    router = Router(matcher=module)
    for index, (method, tokens) in enumerate(routes):
        router.register(pattern_of(tokens), None if method is None else (method,), [noop], str(index))
    return router.freeze()


def outcome(router: Router, method: str, path: str) -> tuple:
    route, params, allowed = router.match(method, path)
    return (None if route is None else int(route.name), params, allowed)


# --------------------------------------------------------------------------- tests
EDGE_ROUTES = [
    ("GET", [("s", "a"), ("s", "b")]),
    ("GET", [("p", "x0", None, False), ("p", "y1", None, False)]),
    ("DELETE", [("p", "x0", None, False), ("s", "b")]),
    ("GET", [("s", "a"), ("w", "*rest")]),
    ("POST", [("p", "z0", r"\d+", True)]),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(routes=route_specs(), requests=st.lists(st.tuples(st.sampled_from(REQUEST_METHODS), paths), max_size=25))
@example(routes=EDGE_ROUTES, requests=[("GET", "/a/b"), ("DELETE", "/a/b"), ("GET", "/a/c"), ("PUT", "/a/b"),
                                       ("HEAD", "/a/b/c"), ("POST", "/"), ("POST", "/12"), ("GET", "/12%zz")])
def test_twin_equals_oracle(matcher_twin, routes, requests):
    routes = dedupe(routes)
    oracle = Oracle(routes)
    router = build(routes, matcher_twin.module)
    other = build(routes, _matcher.matcher_c) if _matcher.matcher_c is not None else None
    concrete = []
    for _method, tokens in routes:  # one request aimed at each route, so most of them hit
        concrete.append("/" + "/".join("12" if t[0] == "p" else "a/b" if t[0] == "w" else t[1] for t in tokens))
    for method, path in requests + [(m, p) for p in concrete for m in ("GET", "POST")]:
        expected = oracle.match(method, path)
        assert outcome(router, method, path) == expected, (method, path)
        if other is not None:
            assert outcome(other, method, path) == expected, (method, path)


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet=st.sampled_from(list("ab%0123456789ABCDEFzé/\udc80+")), max_size=12))
def test_decode_param_twins_and_oracle(value):
    expected = oracle_decode(value)
    assert _matcher.matcher_py.decode_param(value) == expected
    if _matcher.matcher_c is not None:
        assert _matcher.matcher_c.decode_param(value) == expected
