"""``config.security`` read once per app into typed options (:func:`security_options`).

Every part (``csrf``, ``xframe``, ``hsts``, ``methodnoallow``, ``noopen``,
``nosniff``, ``xss_protection``, ``referrer_policy``, ``csp``, ``dta``) takes
``enable`` and ``match`` / ``ignore`` (a path prefix, a compiled regex, a
callable ``fn(ctx)`` or a list of them, as for middleware).  ``False`` in
place of a part's dict turns it off.  Mistakes stop start-up with a
:class:`~eggfast.errors.ConfigError` that names the key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from eggfast.errors import ConfigError

__all__ = ["SecurityOptions", "CsrfOptions", "Part", "security_options", "CSRF_TYPES", "REFERRER_POLICIES"]

CSRF_TYPES = ("ctoken", "referer", "all", "any")
REFERRER_POLICIES = (
    "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin",
    "strict-origin", "strict-origin-when-cross-origin", "unsafe-url",
)
_PARTS = ("csrf", "xframe", "hsts", "methodnoallow", "noopen", "nosniff", "xss_protection", "referrer_policy",
          "csp", "dta")
#: Egg's camelCase names, refused with the name to use
_EGG_NAMES = {"xssProtection": "xss_protection", "referrerPolicy": "referrer_policy",
              "domainWhiteList": "domain_white_list", "protocolWhiteList": "protocol_white_list",
              "defaultMiddleware": "(each part's enable)", "refererWhiteList": "referer_white_list",
              "ignoreJSON": "ignore_json", "cookieName": "cookie_name", "headerName": "header_name",
              "bodyName": "body_name", "queryName": "query_name", "useSession": "(not supported: the secret "
              "lives in the csrfToken cookie)", "rotateWhenInvalid": "rotate_when_invalid",
              "supportedRequests": "supported_requests", "cookieDomain": "cookie_domain",
              "cookieOptions": "cookie_options", "maxAge": "max_age", "includeSubdomains": "include_subdomains",
              "reportOnly": "report_only"}

Matcher = Callable[[Any], bool]
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


@dataclass
class Part:
    """One switchable part: ``enable`` and, when ``match``/``ignore`` is set, ``applies(ctx)``."""

    name: str
    enable: bool
    options: Mapping[str, Any]
    applies: Optional[Matcher] = None  # None: every request


@dataclass
class CsrfOptions(Part):
    """``config.security.csrf`` checked and compiled."""

    type: str = "ctoken"
    api_only: bool = False
    ignore_json: bool = False
    cookie_name: tuple[str, ...] = ("csrfToken",)
    cookie_domain: Any = None
    cookie_options: Mapping[str, Any] = field(default_factory=dict)
    header_name: str = "x-csrf-token"
    body_name: tuple[str, ...] = ("_csrf",)
    query_name: tuple[str, ...] = ("_csrf",)
    rotate_when_invalid: bool = False
    referer_white_list: tuple[str, ...] = ()
    #: ``(path matcher or None for every path, methods)``
    supported_requests: tuple[tuple[Optional[Matcher], frozenset[str]], ...] = ()
    #: where a token is looked for, for messages: "header x-csrf-token, query _csrf or body _csrf"
    token_places: str = ""
    #: every method some rule of ``supported_requests`` checks
    methods: frozenset[str] = frozenset()
    #: ``("; path=/; samesite=Lax", the same + "; secure")``: the attributes ctx.cookies.set()
    #: gives the secret cookie by default, or None when cookie_domain/cookie_options change them
    plain_cookie: Optional[tuple[str, str]] = None

    @property
    def uses_token(self) -> bool:
        return self.type != "referer"

    def checks(self, method: str, ctx: Any) -> bool:
        """Whether a request with ``method`` to ``ctx.path`` must pass the check (``supported_requests``)."""
        if method not in self.methods:
            return False
        for path_test, methods in self.supported_requests:
            if method in methods and (path_test is None or path_test(ctx)):
                return True
        return False


@dataclass
class SecurityOptions:
    """Every part of ``config.security``, plus the white lists."""

    csrf: CsrfOptions
    parts: dict[str, Part]
    domain_white_list: tuple[str, ...]
    protocol_white_list: frozenset[str]


def _names(value: Any, key: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"config.security.{key} must be a name or a list of names, not {value!r}")


def _lower_list(value: Any, key: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in _names(value, key) if v.strip())


def _check_keys(raw: Mapping[str, Any], where: str) -> None:
    for key in raw:
        if key in _EGG_NAMES:
            raise ConfigError(f"config.{where}.{key} is Egg's name: use {_EGG_NAMES[key]}")


def path_matcher(pattern: Any, source: str) -> Matcher:
    """The middleware loader's match/ignore rules (imported late: the loader imports the Egg layer)."""
    from eggfast.loader.middleware import path_matcher as compile_rule

    return compile_rule(pattern, source)


def _part(name: str, raw: Any) -> tuple[bool, dict[str, Any], Optional[Matcher]]:
    if raw is False or raw is None:
        return False, {}, None
    if not isinstance(raw, Mapping):
        raise ConfigError(f"config.security.{name} must be a dict (or False to turn it off), not {raw!r}")
    _check_keys(raw, f"security.{name}")
    options = dict(raw)
    match, ignore = options.get("match"), options.get("ignore")
    source = f"config.security.{name}"
    if match is not None and ignore is not None:
        raise ConfigError(f"{source}: match and ignore can not both be set")
    applies: Optional[Matcher] = None
    if match is not None:
        applies = path_matcher(match, source)
    elif ignore is not None:
        skip = path_matcher(ignore, source)
        applies = lambda ctx: not skip(ctx)  # noqa: E731
    return options.get("enable", True) is not False, options, applies


def _supported(raw: Any) -> tuple[tuple[Optional[Matcher], frozenset[str]], ...]:
    if raw is None:
        raw = [{"path": "/", "methods": ["POST", "PATCH", "DELETE", "PUT", "CONNECT"]}]
    if not isinstance(raw, (list, tuple)):
        raise ConfigError(f"config.security.csrf.supported_requests must be a list of "
                          f"{{'path': ..., 'methods': [...]}}, not {raw!r}")
    rules = []
    for rule in raw:
        if not isinstance(rule, Mapping) or "methods" not in rule:
            raise ConfigError(f"config.security.csrf.supported_requests: {rule!r} needs 'path' and 'methods'")
        path = rule.get("path", "/")
        every = path in ("/", "") or (isinstance(path, re.Pattern) and path.pattern in ("^/", "^\\/"))
        test = None if every else path_matcher(path, "config.security.csrf.supported_requests")
        rules.append((test, frozenset(m.upper() for m in _names(rule["methods"], "csrf.supported_requests"))))
    return tuple(rules)


def _token_places(header: str, query: tuple[str, ...], body: tuple[str, ...], api_only: bool) -> str:
    places = [f"header {header}"] if header else []
    if not api_only:
        places += [f"query {n}" for n in query] + [f"body {n}" for n in body]
    if len(places) <= 1:
        return places[0] if places else "nowhere (set security.csrf.header_name)"
    return ", ".join(places[:-1]) + " or " + places[-1]


def _csrf(raw: Any) -> CsrfOptions:
    enable, options, applies = _part("csrf", raw)
    csrf_type = options.get("type", "ctoken")
    if csrf_type not in CSRF_TYPES:
        raise ConfigError(f"config.security.csrf.type must be one of {', '.join(CSRF_TYPES)}, not {csrf_type!r}")
    api_only = bool(options.get("api_only", False))
    header = options.get("header_name", "x-csrf-token") or ""
    if not isinstance(header, str):
        raise ConfigError(f"config.security.csrf.header_name must be a header name, not {header!r}")
    query = _names(options.get("query_name", "_csrf"), "csrf.query_name")
    body = _names(options.get("body_name", "_csrf"), "csrf.body_name")
    cookie_names = _names(options.get("cookie_name", "csrfToken"), "csrf.cookie_name")
    if not cookie_names:
        raise ConfigError("config.security.csrf.cookie_name must name the cookie that holds the secret")
    for cookie in cookie_names:
        if not _COOKIE_NAME.match(cookie):
            raise ConfigError(f"config.security.csrf.cookie_name {cookie!r} is not a valid cookie name")
    cookie_options = options.get("cookie_options") or {}
    if not isinstance(cookie_options, Mapping):
        raise ConfigError(f"config.security.csrf.cookie_options must be a dict of ctx.cookies.set options, "
                          f"not {cookie_options!r}")
    plain = None
    if not cookie_options and not options.get("cookie_domain"):
        plain = ("; path=/; samesite=Lax", "; path=/; samesite=Lax; secure")
    supported = _supported(options.get("supported_requests"))
    return CsrfOptions(
        name="csrf", enable=enable, options=options, applies=applies, type=csrf_type, api_only=api_only,
        ignore_json=bool(options.get("ignore_json", False)), cookie_name=cookie_names,
        cookie_domain=options.get("cookie_domain"), cookie_options=dict(cookie_options),
        header_name=header.lower(), body_name=body, query_name=query,
        rotate_when_invalid=bool(options.get("rotate_when_invalid", False)),
        referer_white_list=_lower_list(options.get("referer_white_list"), "csrf.referer_white_list"),
        supported_requests=supported,
        token_places=_token_places(header.lower(), query, body, api_only),
        methods=frozenset().union(*(methods for _, methods in supported)),
        plain_cookie=plain,
    )


def parse_security(config: Any) -> SecurityOptions:
    """Check and compile a ``config.security`` mapping."""
    raw = config if isinstance(config, Mapping) else {}
    _check_keys(raw, "security")
    parts = {}
    for name in _PARTS[1:]:
        enable, options, applies = _part(name, raw.get(name, False))
        parts[name] = Part(name=name, enable=enable, options=options, applies=applies)
    policy = parts["referrer_policy"]
    if policy.enable and policy.options.get("value") not in REFERRER_POLICIES:
        raise ConfigError(f"config.security.referrer_policy.value must be one of {', '.join(REFERRER_POLICIES)}, "
                          f"not {policy.options.get('value')!r}")
    return SecurityOptions(
        csrf=_csrf(raw.get("csrf", False)),
        parts=parts,
        domain_white_list=_lower_list(raw.get("domain_white_list"), "domain_white_list"),
        protocol_white_list=frozenset(_lower_list(raw.get("protocol_white_list"), "protocol_white_list"))
        | {"http", "https", "file", "data"},
    )


def security_options(app: Any, refresh: bool = False) -> SecurityOptions:
    """The app's parsed ``config.security``: parsed again when the value is replaced, or on ``refresh``."""
    config = app.config.get("security")
    cached = app.__dict__.get("_eggfast_security")
    if cached is not None and cached[0] is config and not refresh:
        return cached[1]
    parsed = parse_security(config)
    app.__dict__["_eggfast_security"] = (config, parsed)
    return parsed
