"""Percent-encode a URL for a Location header without double-encoding."""
from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["encode_url"]

# Left alone: the characters a browser's encodeURI leaves, plus [ ] and "%"
# when it starts a valid escape.  Everything else is UTF-8 percent-encoded.
_SAFE = ";,/?:@&=+$-_.!~*'()#[]%"
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def encode_url(url: str) -> str:
    """``'/a b?x=ü'`` → ``'/a%20b?x=%C3%BC'``; existing ``%XX`` escapes are kept."""
    url = _BAD_PERCENT_RE.sub("%25", url)
    url = _SURROGATE_RE.sub("\ufffd", url)
    return quote(url, safe=_SAFE)
