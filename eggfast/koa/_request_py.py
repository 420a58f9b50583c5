# cython: annotation_typing=False
"""The request half of a context (Koa's ``request`` with Egg's overrides).

Everything is computed on first access and cached: building a Request only
stores four references.  Proxy-dependent values (``host``, ``protocol``,
``ips``, ``ip``) follow Egg: forwarded headers are read only when
``config.proxy`` is on, and X-Forwarded-Host only when ``config.host_headers``
names it; beyond Egg, only when the peer is in ``config.trusted_proxies``
(default loopback, see :mod:`eggfast.http.proxy`).
"""
from __future__ import annotations

import ipaddress
import weakref
from operator import attrgetter
from typing import Any, AsyncIterator, Mapping, Optional, Union
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

from eggfast.http import negotiation as neg
from eggfast.http.fresh import fresh as _fresh
from eggfast.http.hdrs import IDEMPOTENT_METHODS
from eggfast.http.proxy import trusted_proxies

__all__ = ["Request", "parse_querystring"]

#: at most this many ``key=value`` pairs are read from a query string.
MAX_QUERY_KEYS = 1000

_MISSING = object()


def _decode_component(value: str) -> str:
    if "+" in value:
        value = value.replace("+", " ")
    if "%" in value:
        value = unquote(value, errors="replace")
    return value


def parse_querystring(qs: str) -> dict[str, Union[str, list[str]]]:
    """``'a=1&a=2&b='`` → ``{'a': ['1', '2'], 'b': ''}``: flat, no nesting, '+' is a space."""
    out: dict[str, Union[str, list[str]]] = {}
    if not qs:
        return out
    for count, pair in enumerate(qs.split("&")):
        if count >= MAX_QUERY_KEYS:
            break
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key = _decode_component(key)
        value = _decode_component(value)
        prev = out.get(key, _MISSING)
        if prev is _MISSING:
            out[key] = value
        elif type(prev) is list:
            prev.append(value)
        else:
            out[key] = [prev, value]  # type: ignore[list-item]
    return out


def _build_query(parsed: Mapping[str, Union[str, list[str]]], many: bool) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in parsed.items():
        if not key:  # like `a=b&=c`: an empty key is skipped
            continue
        if many:
            value = value if type(value) is list else [value]  # type: ignore[assignment]
        elif type(value) is list:
            value = value[0]
        result[key] = value
        # queries['key'] also answers for 'key[]'
        if many and len(key) > 2 and key.endswith("[]") and "[" not in key[:-2] and "]" not in key[:-2]:
            result.setdefault(key[:-2], value)
    return result


def _split_target(url: str) -> tuple[str, str]:
    """(path, querystring) of a request-target."""
    if "#" in url:
        url = url.split("#", 1)[0]
    if url[:1] == "/" or url == "*" or not url:
        path, _, qs = url.partition("?")
        return path, qs
    parts = urlsplit(url)
    return parts.path or "/", parts.query


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class Request:
    """A view of one incoming request.  ``ctx.request``."""

    #: the parsed body; set by a body parser (``None`` until then).
    body: Any = None
    #: the raw body text/bytes kept by a body parser.
    raw_body: Any = None

    # Caches, filled on first access (class-level defaults keep __init__ tiny).
    _url_cache: Optional[tuple[str, str, str]] = None
    _query_cache: Optional[tuple[str, dict]] = None
    _queries_cache: Optional[tuple[str, dict]] = None
    _host: Optional[str] = None
    _protocol: Optional[str] = None
    _ips: Optional[list[str]] = None
    _ip: Optional[str] = None
    _forwarded: Optional[bool] = None

    def __init__(self, app: Any, ctx: Any, raw: Any) -> None:
        self.app = app
        # PERF: a weak link back to the context keeps ctx/request/response out
        # of reference cycles, so they are freed at once instead of by the GC.
        self._ctx_ref = weakref.ref(ctx)
        self.raw = raw
        self.req = raw
        self.original_url = raw.target

    @property
    def ctx(self) -> Any:
        """The Context this request belongs to (None once that context is gone)."""
        return self._ctx_ref()

    @property
    def response(self) -> Any:
        """The sibling ``ctx.response``."""
        ctx = self._ctx_ref()
        return ctx.response if ctx is not None else None

    # --- config -----------------------------------------------------------

    def _config(self, key: str, default: Any) -> Any:
        config = getattr(self.app, "config", None)
        if config is None:
            return default
        if isinstance(config, dict):
            # PERF: dict.get directly; AttrDict's Python-level __getattribute__ made
            # looking up its .get cost more than the read itself.
            value = dict.get(config, key, default)
            return default if value is None else value
        getter = getattr(config, "get", None)
        if getter is not None:
            try:
                value = getter(key, default)
            except Exception:  # pragma: no cover - exotic config objects
                value = getattr(config, key, default)
        else:
            value = getattr(config, key, default)
        return default if value is None else value

    def _trusts_forwarded(self) -> bool:
        """Whether X-Forwarded-* may be read: ``config.proxy`` on and the peer a trusted proxy."""
        forwarded = self._forwarded
        if forwarded is None:
            forwarded = False
            if self._config("proxy", False):
                peer = self.raw.peername
                if peer:
                    forwarded = trusted_proxies(self.app).contains(str(peer[0]))
            self._forwarded = forwarded
        return forwarded

    def _from_headers(self, names: Any) -> str:
        """The first non-empty value among the headers listed in ``names``."""
        if not names:
            return ""
        if isinstance(names, str):
            names = names.split(",")
        headers = self.raw.headers
        for name in names:
            name = name.strip().lower()
            if name:
                value = headers.get(name)
                if value:
                    return value
        return ""

    # --- headers ----------------------------------------------------------

    @property
    def headers(self) -> dict[str, str]:
        """Request headers keyed by lower-case name."""
        return self.raw.headers

    @headers.setter
    def headers(self, value: dict[str, str]) -> None:
        self.raw.headers = value

    @property
    def header(self) -> dict[str, str]:
        """Alias of :attr:`headers`."""
        return self.raw.headers

    @header.setter
    def header(self, value: dict[str, str]) -> None:
        self.raw.headers = value

    def get(self, field: str) -> str:
        """A request header value, ``''`` when missing (Referer/Referrer are one)."""
        name = field.lower()
        headers = self.raw.headers
        if name == "referer" or name == "referrer":
            return headers.get("referrer") or headers.get("referer") or ""
        return headers.get(name) or ""

    # --- method and url ---------------------------------------------------

    def _set_method(self, value: str) -> None:
        self.raw.method = value

    # PERF: a C-level getter (no Python frame): the router reads it on every request.
    method = property(attrgetter("raw.method"), _set_method, doc="The request method; settable.")

    @property
    def url(self) -> str:
        """The request-target as received (path and query); settable."""
        return self.raw.target

    @url.setter
    def url(self, value: str) -> None:
        self.raw.target = value

    def _parsed(self) -> tuple[str, str, str]:
        url = self.raw.target
        cache = self._url_cache
        if cache is not None and cache[0] == url:
            return cache
        path, qs = _split_target(url)
        cache = self._url_cache = (url, path, qs)
        return cache

    def _rebuild(self, path: str, qs: str) -> None:
        url = self.raw.target
        search = "?" + qs if qs else ""
        if url[:1] == "/" or url == "*" or not url:
            self.url = path + search
        else:
            parts = urlsplit(url)
            self.url = urlunsplit((parts.scheme, parts.netloc, path, qs, ""))

    @property
    def path(self) -> str:
        """The path part of the url (still percent-encoded); settable."""
        url = self.raw.target
        if url[:1] == "/" and "?" not in url and "#" not in url:
            # PERF: the common origin-form target without a query, no cache needed
            return url
        return self._parsed()[1]

    @path.setter
    def path(self, value: str) -> None:
        _, path, qs = self._parsed()
        if path != value:
            self._rebuild(value, qs)

    @property
    def querystring(self) -> str:
        """The query string without ``?``; settable."""
        return self._parsed()[2]

    @querystring.setter
    def querystring(self, value: str) -> None:
        value = value or ""
        if value[:1] == "?":
            value = value[1:]
        _, path, qs = self._parsed()
        if qs != value:
            self._rebuild(path, value)

    @property
    def search(self) -> str:
        """The query string with its ``?``, or ``''``."""
        qs = self._parsed()[2]
        return "?" + qs if qs else ""

    @search.setter
    def search(self, value: str) -> None:
        self.querystring = value

    @property
    def query(self) -> dict[str, str]:
        """The query as a dict of the FIRST value of each key (Egg)."""
        qs = self._parsed()[2]
        cache = self._query_cache
        if cache is None or cache[0] != qs:
            cache = self._query_cache = (qs, _build_query(parse_querystring(qs), False))
        return cache[1]

    @query.setter
    def query(self, value: Mapping[str, Any]) -> None:
        self.querystring = urlencode(value, doseq=True, quote_via=quote, safe="!~*'()")

    @property
    def queries(self) -> dict[str, list[str]]:
        """The query as a dict of lists (every value of each key)."""
        qs = self._parsed()[2]
        cache = self._queries_cache
        if cache is None or cache[0] != qs:
            cache = self._queries_cache = (qs, _build_query(parse_querystring(qs), True))
        return cache[1]

    # --- host, protocol, origin ------------------------------------------

    @property
    def host(self) -> str:
        """``host[:port]``; from a trusted proxy (``config.proxy``) the first of ``config.host_headers``."""
        host = self._host
        if host is None:
            host = ""
            if self._trusts_forwarded():
                host = self._from_headers(self._config("host_headers", ""))
            host = host or self.raw.headers.get("host") or ""
            host = self._host = host.split(",", 1)[0].strip()
        return host

    @property
    def hostname(self) -> str:
        """The host without its port (``[::1]:80`` → ``::1``)."""
        host = self.host
        if not host:
            return ""
        if host[0] == "[":
            end = host.find("]")
            return host[1:end] if end > 0 else ""
        return host.split(":", 1)[0]

    @property
    def protocol(self) -> str:
        """``'https'`` on TLS; from a trusted proxy the forwarded protocol; else ``config.protocol`` or ``'http'``."""
        protocol = self._protocol
        if protocol is None:
            if self.raw.tls:
                protocol = "https"
            else:
                protocol = ""
                if self._trusts_forwarded():
                    value = self._from_headers(self._config("protocol_headers", "x-forwarded-proto"))
                    if value:
                        protocol = value.split(",", 1)[0].strip()
                protocol = protocol or self._config("protocol", None) or "http"
            self._protocol = protocol
        return protocol

    @property
    def secure(self) -> bool:
        return self.protocol == "https"

    @property
    def origin(self) -> str:
        return f"{self.protocol}://{self.host}"

    @property
    def href(self) -> str:
        """The full url: ``origin + original_url`` unless the target was absolute."""
        original = self.original_url
        if original[:7].lower() == "http://" or original[:8].lower() == "https://":
            return original
        return self.origin + original

    @property
    def URL(self) -> Any:  # noqa: N802 - Koa's name
        """``href`` split into its parts (``urllib.parse.SplitResult``)."""
        try:
            return urlsplit(self.href)
        except ValueError:
            return urlsplit("")

    @property
    def subdomains(self) -> list[str]:
        """``tobi.ferrets.example.com`` → ``['ferrets', 'tobi']`` (offset 2); ``[]`` for an IP."""
        hostname = self.hostname
        if not hostname or _is_ip(hostname):
            return []
        offset = getattr(self.app, "subdomain_offset", None)
        if not isinstance(offset, int):
            offset = self._config("subdomain_offset", 2)
        return hostname.split(".")[::-1][offset:]

    # --- client address ---------------------------------------------------

    @property
    def ips(self) -> list[str]:
        """Forwarded client addresses (``[]`` unless a trusted proxy sent them), nearest last."""
        ips = self._ips
        if ips is None:
            value = self._from_headers(self._config("ip_headers", "x-forwarded-for")) if self._trusts_forwarded() else ""
            ips = [part.strip() for part in value.split(",")] if value else []
            max_count = self._config("max_ips_count", 0)
            if not max_count:
                max_proxy = self._config("max_proxy_count", 0)
                if max_proxy:
                    max_count = max_proxy + 1
            if max_count and max_count > 0:
                ips = ips[-max_count:]
            self._ips = ips
        return ips

    @property
    def ip(self) -> str:
        """``ips[0]`` or the peer address, without an IPv4-mapped ``::ffff:`` prefix; settable."""
        ip = self._ip
        if ip is None:
            ips = self.ips
            if ips and ips[0]:
                ip = ips[0]
            else:
                peer = self.raw.peername
                ip = str(peer[0]) if peer else ""
            if ip[:7] == "::ffff:":  # IPv4-mapped only; other IPv6 addresses stay whole
                ip = ip[7:]
            self._ip = ip
        return ip

    @ip.setter
    def ip(self, value: str) -> None:
        self._ip = value

    # --- caching ----------------------------------------------------------

    @property
    def fresh(self) -> bool:
        """True when a GET/HEAD with a 2xx/304 status matches the client's validators."""
        method = self.raw.method
        if method != "GET" and method != "HEAD":
            return False
        status = self.ctx.response.status
        if 200 <= status < 300 or status == 304:
            res = self.ctx.response
            return _fresh(self.raw.headers, {"etag": res.get("ETag"), "last-modified": res.get("Last-Modified")})
        return False

    @property
    def stale(self) -> bool:
        return not self.fresh

    @property
    def idempotent(self) -> bool:
        return self.raw.method in IDEMPOTENT_METHODS

    # --- content ----------------------------------------------------------

    @property
    def type(self) -> str:
        """The request Content-Type without parameters, ``''`` when absent."""
        value = self.raw.headers.get("content-type")
        if not value:
            return ""
        return value.split(";", 1)[0].strip()

    @property
    def charset(self) -> str:
        """The charset parameter of the Content-Type, ``''`` when absent."""
        value = self.raw.headers.get("content-type")
        if not value or ";" not in value:
            return ""
        for param in value.split(";")[1:]:
            key, _, val = param.partition("=")
            if key.strip().lower() == "charset":
                val = val.strip()
                if len(val) >= 2 and val[0] == '"' and val[-1] == '"':
                    val = val[1:-1]
                return val
        return ""

    @property
    def length(self) -> Optional[int]:
        """Content-Length as an int, ``None`` when absent."""
        value = self.raw.headers.get("content-length")
        if value is None or value == "":
            return None
        try:
            return int(value)
        except ValueError:
            try:
                return int(float(value))
            except (ValueError, OverflowError):
                return 0

    def _has_body(self) -> bool:
        headers = self.raw.headers
        if "transfer-encoding" in headers:
            return True
        value = headers.get("content-length")
        if value is None:
            return False
        try:
            float(value)
        except ValueError:
            return False
        return True

    def is_(self, *types: Any) -> Union[str, bool, None]:
        """The matching type for the request body (``None`` without a body, ``False`` on no match).

        ``is_('json')``, ``is_('urlencoded', 'multipart')``, ``is_('text/*')``,
        ``is_(['html', 'json'])``; no argument gives the body's media type.
        """
        if not self._has_body():
            return None
        return neg.type_is(self.raw.headers.get("content-type"), types)

    def accepts(self, *types: Any) -> Union[str, bool, list[str]]:
        """The best of ``types`` for the Accept header, ``False`` if none; no argument lists them."""
        return neg.accepts_types(self.raw.headers.get("accept"), types)

    def accepts_encodings(self, *encodings: Any) -> Union[str, bool, list[str]]:
        return neg.first_or_false(neg.preferred_encodings, self.raw.headers.get("accept-encoding"), encodings)

    def accepts_charsets(self, *charsets: Any) -> Union[str, bool, list[str]]:
        return neg.first_or_false(neg.preferred_charsets, self.raw.headers.get("accept-charset"), charsets)

    def accepts_languages(self, *languages: Any) -> Union[str, bool, list[str]]:
        return neg.first_or_false(neg.preferred_languages, self.raw.headers.get("accept-language"), languages)

    # --- body stream ------------------------------------------------------

    async def read(self, limit: Optional[int] = None) -> bytes:
        """The whole raw request body (``HttpError(413)`` over ``limit`` bytes).

        Without ``limit``, ``config.server.max_body_size`` (10 MiB by default)
        bounds it; ``async for chunk in ctx.request`` reads without a bound.
        """
        return await self.raw.body.read(limit)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.raw.body.__aiter__()

    # --- misc -------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "header": dict(self.headers)}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.raw.method} {self.raw.target}>"
