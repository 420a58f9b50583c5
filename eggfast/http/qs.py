"""Nested urlencoded parsing, as Egg's form body parser does it (npm ``qs``).

``a[b]=1`` nests (up to ``depth``), ``a[]=1`` and ``a[0]=1`` make lists
(indexes up to ``array_limit``), repeated keys make lists, at most
``parameter_limit`` pairs are read.  The flat URL query (``ctx.query``) is
Node's ``querystring`` instead, in the ``context`` twins.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote


class _Indexed(dict):
    """A list under construction: ``index -> value`` (holes allowed until compacted)."""


def _decode(text: str) -> str:
    text = text.replace("+", " ")
    if "%" in text:
        try:
            return unquote(text, errors="strict")
        except UnicodeDecodeError:
            return text
    return text


def _combine(old: Any, new: Any) -> list:
    return (old if isinstance(old, list) else [old]) + (new if isinstance(new, list) else [new])


_SEGMENT = re.compile(r"\[[^\[\]]*\]")
_DOTTED = re.compile(r"\.([^.\[]+)")


def _split_key(key: str, depth: int, allow_dots: bool) -> list[str]:
    """``'a[b][c]'`` → ``['a', '[b]', '[c]']``; what lies past ``depth`` stays one segment."""
    if allow_dots:
        key = _DOTTED.sub(r"[\1]", key)
    first = _SEGMENT.search(key) if depth > 0 else None
    parent = key[: first.start()] if first else key
    parts = [parent] if parent else []
    if first is None:
        return parts
    pos = first.start()
    for _ in range(depth):
        match = _SEGMENT.search(key, pos)
        if match is None:
            return parts
        parts.append(match.group(0))
        pos = match.end()
    rest = _SEGMENT.search(key, pos)
    if rest is not None:
        parts.append("[" + key[rest.start():] + "]")
    return parts


def _nest(chain: list[str], value: Any, array_limit: int) -> Any:
    leaf = value
    for root in reversed(chain):
        if root == "[]":
            leaf = list(leaf) if isinstance(leaf, list) else [leaf]
            continue
        clean = root[1:-1] if root.startswith("[") and root.endswith("]") else root
        if root != clean and clean.isdigit() and str(int(clean)) == clean and int(clean) <= array_limit:
            leaf = _Indexed({int(clean): leaf})
        elif clean == "__proto__":
            leaf = {}
        else:
            leaf = {clean: leaf}
    return leaf


def _as_indexed(value: Any) -> "_Indexed":
    if isinstance(value, _Indexed):
        return value
    return _Indexed(enumerate(value))


def _merge(target: Any, source: Any) -> Any:
    if source is None:
        return target
    target_is_seq = isinstance(target, (list, _Indexed))
    source_is_seq = isinstance(source, (list, _Indexed))
    if not isinstance(source, (dict, list)):
        if isinstance(target, list):
            target.append(source)
            return target
        if isinstance(target, _Indexed):
            target[max(target, default=-1) + 1] = source
            return target
        if isinstance(target, dict):
            target.setdefault(str(source), True)
            return target
        return [target, source]
    if not isinstance(target, (dict, list)):
        return [target] + (_compact(source) if source_is_seq else [source])
    if target_is_seq and source_is_seq:
        merged = _as_indexed(target)
        for index, item in _as_indexed(source).items():
            if index in merged:
                current = merged[index]
                if isinstance(current, (dict, list)) and isinstance(item, (dict, list)):
                    merged[index] = _merge(current, item)
                else:
                    merged[max(merged) + 1] = item
            else:
                merged[index] = item
        return merged
    if target_is_seq:  # a list meets an object: the list becomes an object
        target = {str(index): item for index, item in _as_indexed(target).items()}
    items = _as_indexed(source).items() if source_is_seq else source.items()
    for key, value in items:
        key = str(key)
        target[key] = _merge(target[key], value) if key in target else value
    return target


def _compact(value: Any) -> Any:
    if isinstance(value, _Indexed):
        return [_compact(value[index]) for index in sorted(value)]
    if isinstance(value, list):
        return [_compact(item) for item in value]
    if isinstance(value, dict):
        return {key: _compact(item) for key, item in value.items()}
    return value


def parse_qs(
    text: str,
    *,
    depth: int = 5,
    array_limit: int = 100,
    parameter_limit: int = 1000,
    allow_dots: bool = False,
) -> dict[str, Any]:
    """Parse an urlencoded string with nesting, like Egg's form parser (qs).

    >>> parse_qs("a[b][c]=1&x=1&x=2&l[]=p&l[]=q")
    {'a': {'b': {'c': '1'}}, 'x': ['1', '2'], 'l': ['p', 'q']}
    """
    flat: dict[str, Any] = {}
    if not text:
        return {}
    for count, part in enumerate(text.split("&")):
        if parameter_limit and count >= parameter_limit:
            break
        if not part:
            continue
        bracket_equals = part.find("]=")
        pos = part.find("=") if bracket_equals < 0 else bracket_equals + 1
        if pos < 0:
            key, value = _decode(part), ""
        else:
            key, value = _decode(part[:pos]), _decode(part[pos + 1:])
        if key in flat:
            flat[key] = _combine(flat[key], value)
        else:
            flat[key] = value
    result: Any = {}
    for key, value in flat.items():
        if not key:
            continue
        chain = _split_key(key, depth, allow_dots)
        if not chain:
            continue
        result = _merge(result, _nest(chain, value, array_limit))
    out = _compact(result)
    return out if isinstance(out, dict) else {str(i): v for i, v in enumerate(out)}


# --- JSON -------------------------------------------------------------------------------


__all__ = ["parse_qs"]
