"""``securities``: every per-request part of the security plugin in one middleware.

In order, before the rest of the app runs:

1. the security headers (one ``dict.update`` of what :func:`plan_headers`
   worked out at start; HSTS over HTTPS only; a CSP nonce when configured),
   so error responses carry them too;
2. ``methodnoallow``: TRACE and TRACK are a 405;
3. ``dta``: a path with a ``..`` segment in any encoding is a 400;
4. ``csrf``: the secret cookie is set when missing (not in ``api_only``
   mode), and an unsafe method must pass the check, else a 403 whose body
   (``{"message"}`` for JSON clients, text otherwise) and WARN log line name
   the cause and the fix.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from eggfast.app import accept_json
from eggfast.errors import HttpError
from eggfast.logger.context_logger import log_request_error
from eggfast.plugins.security.csrf import NEW_SECRET_KEY, CsrfError, csrf_problem, plant_secret, request_secret
from eggfast.plugins.security.headers import plan_headers
from eggfast.plugins.security.options import security_options
from eggfast.plugins.security.paths import is_safe_path

__all__ = ["middleware"]

Next = Callable[[], Awaitable[Any]]
_JSON_TYPES = ("json", "application/*+json")


def _forbid(ctx: Any, err: CsrfError) -> None:
    ctx.status = 403
    ctx.body = {"message": err.message} if accept_json(ctx) else err.message
    log_request_error(ctx.logger, err, 403, ctx)


def middleware(_options: Any, app: Any) -> Callable[[Any, Next], Awaitable[Any]]:
    options = security_options(app, refresh=True)  # the config as it is once every boot hook ran
    plan = plan_headers(options)
    static = plan.static
    conditional = tuple(plan.conditional)
    hsts = plan.hsts
    csp_nonce = plan.csp_nonce
    parts = options.parts
    trace = parts["methodnoallow"]
    no_trace = trace.enable
    trace_applies = trace.applies
    dta = parts["dta"]
    check_paths = dta.enable
    dta_applies = dta.applies
    csrf = options.csrf
    check_csrf = csrf.enable
    csrf_applies = csrf.applies
    set_secret = csrf.uses_token and not csrf.api_only
    ignore_json = csrf.ignore_json
    checked_methods = csrf.methods

    async def securities(ctx: Any, next: Next) -> Any:  # noqa: A002 - Koa's name
        # PERF: the response's own header dict, filled in one call (no per-header set()).
        ctx.response._headers.update(static)
        if conditional:
            for applies, (key, entry) in conditional:
                if applies(ctx):
                    ctx.response._headers[key] = entry
        if hsts is not None and ctx.secure and (hsts[0] is None or hsts[0](ctx)):
            ctx.response._headers[hsts[1][0]] = hsts[1][1]
        if csp_nonce is not None and (csp_nonce[0] is None or csp_nonce[0](ctx)):
            ctx.set(csp_nonce[1], f"{csp_nonce[2]}{ctx.nonce}{csp_nonce[3]}")
        method = ctx.method
        if no_trace and (method == "TRACE" or method == "TRACK") and (trace_applies is None or trace_applies(ctx)):
            raise HttpError(405, f"{method} is not allowed (security.methodnoallow)")
        if check_paths:
            path = ctx.path
            if ("." in path or "%" in path) and not is_safe_path(path) and (dta_applies is None or dta_applies(ctx)):
                raise HttpError(400, "Bad Request: the path has a '..' segment (security.dta)")
        if check_csrf and (csrf_applies is None or csrf_applies(ctx)):
            if set_secret and NEW_SECRET_KEY not in ctx.__dict__ and not request_secret(ctx, csrf):
                plant_secret(ctx, csrf)
            if method in checked_methods and csrf.checks(method, ctx) and \
                    not (ignore_json and ctx.request.is_(*_JSON_TYPES)):
                problem = csrf_problem(ctx, csrf)
                if problem is not None:
                    _forbid(ctx, problem)
                    return None
        return await next()

    return securities
