"""Content negotiation (Accept, Accept-Encoding, Accept-Charset, Accept-Language)
and media-type matching for ``request.is_()``.

Each ``preferred_*`` function takes the raw header (``None`` when absent) and
an optional list of offers.  Without offers it returns what the client accepts,
best first; with offers it returns the acceptable offers, best first.  Ranking:
quality first, then how specific the matching header entry is, then the
header's own order, then the order of the offers.

Parsed headers are cached by value: the same Accept strings come back on
request after request.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple, Optional, Sequence, Union

from eggfast.http.mime import lookup

__all__ = [
    "preferred_media_types",
    "preferred_encodings",
    "preferred_charsets",
    "preferred_languages",
    "accepts_types",
    "first_or_false",
    "type_is",
    "normalize_type",
]


class _Spec(NamedTuple):
    """One entry of an Accept-* header."""

    value: str  # the full token as written (type/subtype, encoding, charset, language)
    q: float
    i: int  # position in the header
    type: str = ""
    subtype: str = ""
    params: tuple = ()
    prefix: str = ""  # language primary tag


class _Rank(NamedTuple):
    """How one offer matches the header: quality, specificity, header order, offer order."""

    q: float
    s: int
    o: int
    i: int


def _split_outside_quotes(value: str, sep: str) -> list[str]:
    if '"' not in value:
        return value.split(sep)
    parts: list[str] = []
    start = 0
    quoted = False
    for pos, ch in enumerate(value):
        if ch == '"':
            quoted = not quoted
        elif ch == sep and not quoted:
            parts.append(value[start:pos])
            start = pos + 1
    parts.append(value[start:])
    return parts


def _parse_params(text: Optional[str]) -> tuple[float, tuple]:
    """``q`` and the other parameters (lower-case keys) of one header entry."""
    q = 1.0
    params: list[tuple[str, str]] = []
    if not text:
        return q, ()
    for raw in _split_outside_quotes(text, ";"):
        key, eq, val = raw.partition("=")
        key = key.strip().lower()
        if not eq or not key:
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
            val = val[1:-1]
        if key == "q":
            try:
                q = float(val)
            except ValueError:
                q = 0.0
            # Parameters after q are accept-extensions, not media-type parameters.
            break
        params.append((key, val))
    return q, tuple(params)


_MEDIA_RE = re.compile(r"^\s*([^\s/;]+)/([^;\s]+)\s*(?:;(.*))?$", re.S)
_TOKEN_RE = re.compile(r"^\s*([^\s;]+)\s*(?:;(.*))?$", re.S)
_LANG_RE = re.compile(r"^\s*([^\s\-;]+)(?:-([^\s;]+))?\s*(?:;(.*))?$", re.S)


@lru_cache(maxsize=256)
def _parse_accept(header: str) -> tuple[_Spec, ...]:
    specs = []
    for i, part in enumerate(_split_outside_quotes(header, ",")):
        m = _MEDIA_RE.match(part)
        if not m:
            continue
        q, params = _parse_params(m.group(3))
        t, st = m.group(1), m.group(2)
        specs.append(_Spec(f"{t}/{st}", q, i, t.lower(), st.lower(), params))
    return tuple(specs)


@lru_cache(maxsize=256)
def _parse_tokens(header: str) -> tuple[_Spec, ...]:
    specs = []
    for i, part in enumerate(header.split(",")):
        m = _TOKEN_RE.match(part)
        if not m:
            continue
        q, _ = _parse_params(m.group(2))
        specs.append(_Spec(m.group(1), q, i))
    return tuple(specs)


@lru_cache(maxsize=256)
def _parse_encodings(header: str) -> tuple[_Spec, ...]:
    specs = list(_parse_tokens(header))
    # identity is acceptable unless the header rules it out (explicitly or via *).
    if not any(s.value.lower() in ("identity", "*") for s in specs):
        min_q = min([s.q or 1.0 for s in specs], default=1.0)
        specs.append(_Spec("identity", min_q, len(specs)))
    return tuple(specs)


@lru_cache(maxsize=256)
def _parse_languages(header: str) -> tuple[_Spec, ...]:
    specs = []
    for i, part in enumerate(header.split(",")):
        m = _LANG_RE.match(part)
        if not m:
            continue
        prefix, suffix = m.group(1), m.group(2)
        full = f"{prefix}-{suffix}" if suffix else prefix
        q, _ = _parse_params(m.group(3))
        specs.append(_Spec(full, q, i, prefix=prefix))
    return tuple(specs)


def _media_specificity(offer: str, spec: _Spec) -> Optional[int]:
    t, _, rest = offer.partition("/")
    st, _, ptext = rest.partition(";")
    t, st = t.strip().lower(), st.strip().lower()
    s = 0
    if spec.type == t:
        s |= 4
    elif spec.type != "*":
        return None
    if spec.subtype == st:
        s |= 2
    elif spec.subtype != "*":
        return None
    if spec.params:
        offered = dict(_parse_params(ptext)[1]) if ptext else {}
        for key, val in spec.params:
            if val != "*" and val.lower() != offered.get(key, "").lower():
                return None
        s |= 1
    return s


def _token_specificity(offer: str, spec: _Spec) -> Optional[int]:
    if spec.value.lower() == offer.lower():
        return 1
    if spec.value != "*":
        return None
    return 0


def _language_specificity(offer: str, spec: _Spec) -> Optional[int]:
    full = offer.strip().lower()
    prefix = full.split("-", 1)[0]
    spec_full = spec.value.lower()
    if spec_full == full:
        return 4
    if spec.prefix.lower() == full:
        return 2
    if spec_full == prefix:
        return 1
    if spec.value != "*":
        return None
    return 0


def _rank_offer(offer: str, index: int, specs: Sequence[_Spec], specificity) -> _Rank:
    best = _Rank(0.0, 0, -1, index)
    found = False
    for spec in specs:
        s = specificity(offer, spec)
        if s is None:
            continue
        # More specific wins, then higher quality, then a later header entry.
        if not found or (s, spec.q, spec.i) > (best.s, best.q, best.o):
            best = _Rank(spec.q, s, spec.i, index)
            found = True
    return best


def _sort_key(rank: _Rank) -> tuple:
    return (-rank.q, -rank.s, rank.o, rank.i)


def _negotiate(specs: Sequence[_Spec], offers: Optional[Iterable[str]], specificity) -> list[str]:
    if offers is None:
        ranked = sorted((s for s in specs if s.q > 0), key=lambda s: (-s.q, s.i))
        return [s.value for s in ranked]
    offers = list(offers)
    ranks = [_rank_offer(o, i, specs, specificity) for i, o in enumerate(offers)]
    good = [r for r in ranks if r.q > 0]
    good.sort(key=_sort_key)
    return [offers[r.i] for r in good]


def preferred_media_types(header: Optional[str], offers: Optional[Iterable[str]] = None) -> list[str]:
    """Accepted media types (``*/*`` when the header is absent), best first."""
    specs = _parse_accept("*/*" if header is None else header)
    return _negotiate(specs, offers, _media_specificity)


def preferred_encodings(header: Optional[str], offers: Optional[Iterable[str]] = None) -> list[str]:
    """Accepted content codings; ``identity`` is implied unless excluded."""
    return _negotiate(_parse_encodings(header or ""), offers, _token_specificity)


def preferred_charsets(header: Optional[str], offers: Optional[Iterable[str]] = None) -> list[str]:
    """Accepted charsets (``*`` when the header is absent), best first."""
    specs = _parse_tokens("*" if header is None else header)
    return _negotiate(specs, offers, _token_specificity)


def preferred_languages(header: Optional[str], offers: Optional[Iterable[str]] = None) -> list[str]:
    """Accepted languages (``*`` when the header is absent), best first."""
    specs = _parse_languages("*" if header is None else header)
    return _negotiate(specs, offers, _language_specificity)


def _flatten(items: Sequence) -> list[str]:
    if len(items) == 1 and isinstance(items[0], (list, tuple)):
        return list(items[0])
    return list(items)


def accepts_types(header: Optional[str], types: Sequence) -> Union[str, bool, list[str]]:
    """``request.accepts()``: the best of ``types`` (as given), ``False``, or the accepted list.

    ``types`` may be short names (``'json'``), extensions or media types.  With
    no Accept header the first offer wins.
    """
    types = _flatten(types)
    if not types:
        return preferred_media_types(header)
    if header is None:
        return types[0]
    mimes = [t if isinstance(t, str) and "/" in t else (lookup(t) if isinstance(t, str) else None) for t in types]
    best = preferred_media_types(header, [m for m in mimes if m])
    if not best:
        return False
    return types[mimes.index(best[0])]


def first_or_false(preferred, header: Optional[str], offers: Sequence) -> Union[str, bool, list[str]]:
    """The accepts-style answer for encodings/charsets/languages."""
    offers = _flatten(offers)
    if not offers:
        return preferred(header)
    found = preferred(header, offers)
    return found[0] if found else False


# --- type-is --------------------------------------------------------------

_MEDIA_TYPE_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+/[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def normalize_type(value: Optional[str]) -> Optional[str]:
    """``type/subtype`` of a Content-Type value, lower-cased, or ``None`` if invalid."""
    if not value or not isinstance(value, str):
        return None
    mt = value.split(";", 1)[0].strip().lower()
    return mt if _MEDIA_TYPE_RE.match(mt) else None


def _expected(type_: object) -> Optional[str]:
    if not isinstance(type_, str) or not type_:
        return None
    if type_ == "urlencoded":
        return "application/x-www-form-urlencoded"
    if type_ == "multipart":
        return "multipart/*"
    if type_[0] == "+":
        return "*/*" + type_
    if "/" in type_:
        return type_.lower()
    return lookup(type_)


def _mime_match(expected: str, actual: str) -> bool:
    e = expected.split("/")
    a = actual.split("/")
    if len(e) != 2 or len(a) != 2:
        return False
    if e[0] != "*" and e[0] != a[0]:
        return False
    if e[1][:2] == "*+":
        suffix = e[1][1:]
        return len(suffix) <= len(a[1]) and a[1].endswith(suffix)
    return e[1] == "*" or e[1] == a[1]


def type_is(value: Optional[str], types: Sequence) -> Union[str, bool]:
    """Match a Content-Type value against ``types``.

    Returns the type that matched (as given; the actual type when the match was
    a wildcard or ``+suffix``), the actual type when ``types`` is empty, or
    ``False``.
    """
    actual = normalize_type(value)
    if not actual:
        return False
    types = _flatten(types)
    if not types:
        return actual
    for t in types:
        exp = _expected(t)
        if exp and _mime_match(exp, actual):
            return actual if (t[0] == "+" or "*" in t) else t
    return False
