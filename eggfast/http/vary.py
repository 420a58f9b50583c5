"""Merge field names into a Vary header value."""
from __future__ import annotations

from typing import Iterable, Union

__all__ = ["append_vary"]


def _fields(value: str) -> list[str]:
    return [f for f in (part.strip() for part in value.split(",")) if f]


def append_vary(current: str, field: Union[str, Iterable[str]]) -> str:
    """``append_vary('Accept', 'Origin')`` → ``'Accept, Origin'``.

    Names are compared case-insensitively; ``*`` absorbs everything.
    """
    new = _fields(field) if isinstance(field, str) else [f.strip() for f in field if f and f.strip()]
    if current == "*":
        return current
    existing = _fields(current)
    if "*" in new:
        return "*"
    seen = {f.lower() for f in existing}
    for f in new:
        low = f.lower()
        if low not in seen:
            existing.append(f)
            seen.add(low)
    return ", ".join(existing)
