"""HTTP freshness: does the client's cached copy still match the response?"""
from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Mapping, Optional

__all__ = ["fresh"]

_NO_CACHE_RE = re.compile(r"(?:^|,)\s*no-cache\s*(?:,|$)")


def _http_date(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _etag_list(value: str) -> list[str]:
    return [tag for tag in (part.strip() for part in value.split(",")) if tag]


def fresh(req_headers: Mapping[str, str], res_headers: Mapping[str, object]) -> bool:
    """True when the conditional request headers match the response's validators.

    Both mappings are keyed by lower-case header name.  ``If-None-Match: *``
    matches any representation; weak and strong tags compare equal; a
    ``Cache-Control: no-cache`` request is never fresh.
    """
    modified_since = req_headers.get("if-modified-since")
    none_match = req_headers.get("if-none-match")
    if not modified_since and not none_match:
        return False

    cache_control = req_headers.get("cache-control")
    if cache_control and _NO_CACHE_RE.search(cache_control):
        return False

    if none_match and none_match != "*":
        etag = res_headers.get("etag")
        if not etag or not isinstance(etag, str):
            return False
        weak = "W/" + etag
        for tag in _etag_list(none_match):
            if tag == etag or tag == weak or "W/" + tag == etag:
                break
        else:
            return False

    if modified_since:
        last_modified = res_headers.get("last-modified")
        lm = _http_date(last_modified) if isinstance(last_modified, str) else None
        ims = _http_date(modified_since)
        if lm is None or ims is None or not lm <= ims:
            return False

    return True
