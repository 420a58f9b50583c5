"""Domain white lists and the safe redirect target.

:func:`is_safe_domain` is Egg's rule: ``a.com`` and ``.a.com`` match
``a.com`` and its subdomains on a dot boundary (``wwwa.com`` does not
match), ``*`` is a wildcard.  :func:`redirect_target` decides where
``ctx.redirect(url)`` may go: anything that a browser could read as
another site and that is not on the white list becomes ``/``.
"""
from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any, Optional, Sequence

__all__ = ["is_safe_domain", "hostname_of", "url_hostname", "split_absolute", "redirect_target", "same_host"]

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 controls and DEL: browsers drop tab/CR/LF inside URLs, which turns "/\t/evil" into "//evil"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AUTHORITY_END = re.compile(r"[/\\?#]")
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\Z|\[[0-9a-f:.]+\]\Z")


def is_safe_domain(domain: Any, white_list: Sequence[str]) -> bool:
    """Whether ``domain`` (a hostname) matches an entry of ``white_list`` (lower-case entries)."""
    if not isinstance(domain, str) or not domain:
        return False
    domain = domain.lower()
    dotted = "." + domain
    for rule in white_list:
        if "*" in rule:
            if fnmatchcase(domain, rule):
                return True
            continue
        if domain == rule:
            return True
        if dotted.endswith(rule if rule[:1] == "." else "." + rule):
            return True
    return False


def split_absolute(url: str) -> Optional[tuple[str, str]]:
    """``(scheme, authority)`` of ``scheme://authority...`` (scheme lower-cased), else None.

    The authority ends at the first ``/``, ``\\``, ``?`` or ``#``, as a browser
    reads it (a backslash counts as a slash in http and https URLs).
    """
    match = _SCHEME.match(url)
    if match is None:
        return None
    rest = url[match.end():]
    if rest[:2] != "//":
        return None
    rest = rest[2:]
    end = _AUTHORITY_END.search(rest)
    return match.group(1).lower(), (rest[:end.start()] if end else rest)


def hostname_of(authority: str) -> Optional[str]:
    """The lower-case hostname of an authority, or None when it has user info or is malformed."""
    if "@" in authority:
        return None
    authority = authority.lower()
    if authority[:1] == "[":
        end = authority.find("]")
        if end < 0:
            return None
        host, port = authority[:end + 1], authority[end + 1:]
    else:
        host, colon, port_part = authority.partition(":")
        port = colon + port_part
    if port and not (port[0] == ":" and port[1:].isdigit() and port[1:].isascii()):
        return None
    if not _HOSTNAME.match(host):
        return None
    return host


def url_hostname(url: str) -> Optional[str]:
    """The hostname an ``href`` would lead to: None for a relative URL, ``''`` when unusable."""
    url = url.strip()
    if url[:2] in ("//", "/\\", "\\/", "\\\\"):
        url = "http:" + url
    parts = split_absolute(url)
    if parts is None:
        return "" if _SCHEME.match(url) else None
    return hostname_of(parts[1]) or ""


def same_host(url: str, host: str) -> bool:
    """Whether ``url`` is an http(s) URL to ``host`` (``host[:port]``, as ``ctx.host``), or a local path."""
    if _CONTROL.search(url):
        return False
    if url[:1] == "/":
        return url[1:2] not in ("/", "\\")
    parts = split_absolute(url)
    if parts is None or parts[0] not in ("http", "https") or not host:
        return False
    return hostname_of(parts[1]) is not None and parts[1].lower() == host.lower()


def redirect_target(url: Any, white_list: Sequence[str], log: Any = None) -> str:
    """Where a safe ``ctx.redirect(url)`` goes: ``url`` itself or ``/``.

    ``url`` is kept when it is a local path (``/x``; not ``//x`` nor ``/\\x``)
    or an ``http``/``https`` URL with a plain host and no user info whose
    host, when ``white_list`` is set, is on it.  Everything else is ``/``:
    other schemes (``javascript:``, ``data:``), ``https:evil`` without
    ``//``, control characters (CR, LF, tab, NUL) anywhere, relative URLs
    without a leading ``/``.  ``log(url, host)`` is called for a host
    refused by the white list.
    """
    url = (url if isinstance(url, str) else str(url or "")).strip() or "/"
    if _CONTROL.search(url):
        return "/"
    if url[0] == "/":
        return "/" if url[1:2] in ("/", "\\") else url
    parts = split_absolute(url)
    if parts is None or parts[0] not in ("http", "https"):
        return "/"
    host = hostname_of(parts[1])
    if host is None:
        return "/"
    if white_list and not is_safe_domain(host.strip("[]"), white_list):
        if log is not None:
            log(url, host)
        return "/"
    return url
