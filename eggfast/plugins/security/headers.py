"""The security response headers, worked out once from config (:func:`plan_headers`).

Headers whose part has no ``match``/``ignore`` go into one dict in the
response's own header layout (``lower-case name -> (name, value)``), added to
each response with a single ``dict.update``.  Only HSTS (sent over HTTPS
only), a CSP with a per-request nonce, and parts limited by
``match``/``ignore`` cost anything more per request.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional

from eggfast.errors import ConfigError
from eggfast.plugins.security.options import Part, SecurityOptions

__all__ = ["HeaderPlan", "plan_headers", "csp_value"]

Entry = tuple[str, tuple[str, str]]


@dataclass
class HeaderPlan:
    """What the ``securities`` middleware adds to every response."""

    #: ``{lower name: (name, value)}`` for every request
    static: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: ``(applies(ctx), entry)`` for parts limited by match/ignore
    conditional: list[tuple[Callable[[Any], bool], Entry]] = field(default_factory=list)
    #: ``(applies(ctx) or None, entry)``: Strict-Transport-Security, HTTPS only
    hsts: Optional[tuple[Optional[Callable[[Any], bool]], Entry]] = None
    #: ``(applies(ctx) or None, name, before, after)``: the CSP value is ``before + nonce + after``
    csp_nonce: Optional[tuple[Optional[Callable[[Any], bool]], str, str, str]] = None


def _entry(name: str, value: str) -> Entry:
    if any(c in value for c in "\r\n\0"):
        raise ConfigError(f"header {name} from config.security must not contain CR, LF or NUL: {value!r}")
    return name.lower(), (name, value)


def _plain(plan: HeaderPlan, part: Part, name: str, value: str) -> None:
    if not part.enable:
        return
    key, entry = _entry(name, value)
    if part.applies is None:
        plan.static[key] = entry
    else:
        plan.conditional.append((part.applies, (key, entry)))


_NONCE = "\0nonce\0"


def csp_value(policy: Mapping[str, Any], nonce: Optional[str] = _NONCE) -> str:
    """The CSP header value of ``policy`` (Egg's rules): ``script-src`` gets ``'nonce-<nonce>'``
    unless it has a nonce already; a source starting with ``.`` becomes ``*.``; ``sandbox: True``
    is the bare directive."""
    directives = []
    for key, value in policy.items():
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if key == "sandbox" and values and values[0] is True:
            directives.append(key)
            continue
        values = [str(v) for v in values]
        if key == "script-src" and nonce and not any("nonce-" in v for v in values):
            values.append(f"'nonce-{nonce}'")
        values = ["*" + v if v.startswith(".") else v for v in values]
        directives.append(" ".join([key, *values]))
    return "; ".join(directives)


def plan_headers(options: SecurityOptions) -> HeaderPlan:
    """Work out every security header from ``options`` (once, at start-up)."""
    parts = options.parts
    plan = HeaderPlan()
    _plain(plan, parts["xframe"], "X-Frame-Options", str(parts["xframe"].options.get("value") or "SAMEORIGIN"))
    _plain(plan, parts["nosniff"], "X-Content-Type-Options", "nosniff")
    _plain(plan, parts["noopen"], "X-Download-Options", "noopen")
    xss = parts["xss_protection"]
    _plain(plan, xss, "X-XSS-Protection", str(xss.options.get("value", "0")))
    policy = parts["referrer_policy"]
    _plain(plan, policy, "Referrer-Policy", str(policy.options.get("value")))
    hsts = parts["hsts"]
    if hsts.enable:
        value = f"max-age={int(hsts.options.get('max_age', 365 * 24 * 3600))}"
        if hsts.options.get("include_subdomains"):
            value += "; includeSubDomains"
        if hsts.options.get("preload"):
            value += "; preload"
        plan.hsts = (hsts.applies, _entry("Strict-Transport-Security", value))
    csp = parts["csp"]
    if csp.enable:
        policy_map = csp.options.get("policy") or {}
        if not isinstance(policy_map, Mapping) or not policy_map:
            raise ConfigError("config.security.csp.policy must be a non-empty dict such as "
                              "{'default-src': \"'self'\", 'script-src': \"'self'\"} when csp is enabled")
        name = "Content-Security-Policy-Report-Only" if csp.options.get("report_only") else "Content-Security-Policy"
        value = csp_value(policy_map)
        if _NONCE in value:
            before, _, after = value.partition(_NONCE)
            _entry(name, before + after)
            plan.csp_nonce = (csp.applies, name, before, after)
        else:
            _plain(plan, csp, name, value)
    return plan
