"""Egg's onerror plugin: the error response by ``Accept`` and env, and error logging.

:func:`install_onerror` puts :func:`onerror` on the app's own Context class
(replacing Koa's plain-text default) and adds an ``error`` listener that logs
every error once with ``ctx.logger`` (``app.logger`` when there is no
context): status >= 500 at ERROR with the traceback, a client error as one
WARN line without it (with it when the logger is at DEBUG), so that clients
sending bad requests cannot make the server write tracebacks.

The response (research/egg-features.md §1.6 "onerror"):

* JSON when the client accepts JSON (:func:`eggfast.app.accept_json`):
  ``{"code", "message", "errors"}`` (absent keys left out); outside prod a
  5xx adds ``stack``, ``name`` and the error's own attributes; in prod a 5xx
  says only the status text.  A 400 JSON syntax error on a JSON request says
  ``Problems parsing JSON``.
* HTML otherwise: prod 5xx → redirect to ``error_page_url?real_status=N``
  if set, else 500 ``<h2>Internal Server Error, real status: N</h2>``;
  prod 4xx → ``<h2>N Reason</h2>``; unittest → ``Name: message`` and the
  traceback; local → a full error page (``template_path`` replaces it).
* ``config.onerror`` may give handlers ``fn(err, ctx)`` for ``all``, ``html``,
  ``json``, ``text`` and ``js``, and ``accepts(ctx)`` returning one of those
  names.  ``app_error_filter(err, ctx)`` returning False skips the logging.

Unlike Koa's default, headers already set are kept (as koa-onerror does);
the error's own ``headers`` are added.
"""
from __future__ import annotations

import html
import json
import re
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping

import orjson

from eggfast.app import accept_json
from eggfast.koa.context import error_after_head
from eggfast.errors import InvalidHeaderError, NonErrorThrown, error_name, error_status
from eggfast.http.hdrs import STATUS_REASONS
from eggfast.logger.context_logger import log_request_error
from eggfast.koa.respond import close_body_soon
from eggfast.koa.response import is_stream_body, json_bytes

__all__ = [
    "install_onerror",
    "onerror",
    "log_error",
    "detect_status",
    "detect_error_message",
    "is_prod",
    "error_page",
]

_JSON_REQUEST_TYPES = ("application/json", "application/vnd.api+json", "application/csp-report")
_MIME = {
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "js": "application/javascript; charset=utf-8",
}
_BODY_HEADERS = ("content-type", "content-length", "transfer-encoding", "content-encoding", "content-range")


# --- helpers -----------------------------------------------------------------------


def _options(app: Any) -> Mapping[str, Any]:
    config = getattr(app, "config", None) or {}
    options = config.get("onerror") if hasattr(config, "get") else None
    return options or {}


def _env(app: Any) -> str:
    config = getattr(app, "config", None) or {}
    env = config.get("env") if hasattr(config, "get") else None
    return env or getattr(app, "env", None) or "local"


def is_prod(app: Any) -> bool:
    """Every env but local and unittest hides error details."""
    return _env(app) not in ("local", "unittest")


def detect_status(err: BaseException) -> int:
    """The error's HTTP status: ``status`` / ``status_code`` in 400..599, 404 for a missing file, else 500."""
    return error_status(err)


def _error_message(err: BaseException) -> str:
    message = getattr(err, "message", None)
    return message if isinstance(message, str) else str(err)


def _stack(err: BaseException) -> str:
    return "".join(traceback.format_exception(type(err), err, err.__traceback__)).rstrip("\n")


def detect_error_message(ctx: Any, err: BaseException) -> str:
    """The message to show: ``Problems parsing JSON`` for a bad JSON request body."""
    if detect_status(err) == 400 and (error_name(err) == "SyntaxError" or isinstance(err, json.JSONDecodeError)):
        try:
            if ctx.request.is_(*_JSON_REQUEST_TYPES):
                return "Problems parsing JSON"
        except Exception:  # pragma: no cover - a broken request object
            pass
    return _error_message(err)


def _json_safe(value: Any) -> Any:
    try:
        orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        return value
    except TypeError:
        return repr(value)


# --- the pages ---------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{status} {name}: {message_short}</title>
<style>
body {{ font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0; color: #222; }}
header {{ background: #b71c1c; color: #fff; padding: 24px 32px; }}
header h1 {{ margin: 0 0 4px; font-size: 22px; }}
header p {{ margin: 0; opacity: .9; white-space: pre-wrap; }}
main {{ padding: 16px 32px; }}
h2 {{ font-size: 16px; margin: 24px 0 8px; }}
pre {{ background: #f6f6f6; border: 1px solid #e0e0e0; padding: 12px; overflow: auto; }}
table {{ border-collapse: collapse; }}
td {{ border-bottom: 1px solid #eee; padding: 4px 16px 4px 0; vertical-align: top; font-family: monospace; }}
</style>
</head>
<body>
<header>
<h1>{status} {name}</h1>
<p>{message}</p>
</header>
<main>
<h2>Request</h2>
<table>
<tr><td>method</td><td>{method}</td></tr>
<tr><td>url</td><td>{url}</td></tr>
{headers}
</table>
<h2>Traceback</h2>
<pre>{stack}</pre>
<h2>Error attributes</h2>
<table>
{attributes}
</table>
<p><small>This page is shown in the local env only (eggfast onerror).</small></p>
</main>
</body>
</html>
"""

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_template_cache: dict[str, str] = {}


def _rows(items: Any) -> str:
    return "\n".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>" for k, v in items
    )


def error_page(ctx: Any, err: BaseException, status: int, template_path: str = "") -> str:
    """The local env's HTML error page; ``template_path`` names a file whose
    ``{{ name }}``, ``{{ message }}``, ``{{ status }}``, ``{{ stack }}``,
    ``{{ method }}`` and ``{{ url }}`` are filled in (HTML-escaped)."""
    values = {
        "name": error_name(err),
        "message": _error_message(err),
        "status": str(status),
        "stack": _stack(err),
        "method": ctx.method,
        "url": ctx.url,
    }
    if template_path:
        template = _template_cache.get(template_path)
        if template is None:
            template = _template_cache[template_path] = Path(template_path).read_text(encoding="utf-8")
        return _PLACEHOLDER.sub(lambda m: html.escape(values.get(m.group(1), "")), template)
    escaped = {key: html.escape(value) for key, value in values.items()}
    own = [(k, v) for k, v in vars(err).items() if not k.startswith("_")] if hasattr(err, "__dict__") else []
    return _PAGE.format(
        message_short=html.escape(values["message"].splitlines()[0] if values["message"] else ""),
        headers=_rows(sorted(ctx.request.headers.items())),
        attributes=_rows(own),
        **escaped,
    )


# --- default format handlers (each sets ctx.status / ctx.body) ---------------------


def _html(err: BaseException, ctx: Any) -> None:
    app = ctx.app
    status = detect_status(err)
    ctx.real_status = status
    options = _options(app)
    if is_prod(app):
        if status >= 500:
            page_url = options.get("error_page_url")
            if callable(page_url):
                page_url = page_url(err, ctx)
            if page_url:
                joiner = "&" if "?" in page_url else "?"
                ctx.redirect(f"{page_url}{joiner}real_status={status}")
                return
            ctx.status = 500
            ctx.body = f"<h2>Internal Server Error, real status: {status}</h2>"
            return
        ctx.status = status
        ctx.body = f"<h2>{status} {STATUS_REASONS.get(status, '')}</h2>"
        return
    ctx.status = status
    if _env(app) == "unittest":
        ctx.body = f"{error_name(err)}: {_error_message(err)}\n{_stack(err)}"
        return
    ctx.body = error_page(ctx, err, status, options.get("template_path") or "")


def _json(err: BaseException, ctx: Any) -> None:
    status = detect_status(err)
    ctx.status = status
    code = getattr(err, "code", None) or getattr(err, "type", None)
    if is_prod(ctx.app) and status >= 500:
        data: dict[str, Any] = {"code": code, "message": STATUS_REASONS.get(status, "Error")}
    else:
        data = {"code": code, "message": detect_error_message(ctx, err), "errors": getattr(err, "errors", None)}
        if status >= 500 and not is_prod(ctx.app):
            data["stack"] = _stack(err)
            data["name"] = error_name(err)
            for key, value in (vars(err).items() if hasattr(err, "__dict__") else ()):
                if not key.startswith("_") and not data.get(key):
                    data[key] = value
    ctx.body = {key: _json_safe(value) for key, value in data.items() if value is not None}


def _text(err: BaseException, ctx: Any) -> None:
    status = detect_status(err)
    ctx.status = status
    message = _error_message(err)
    if message and (getattr(err, "expose", False) or _env(ctx.app) == "local"):
        ctx.body = message
    else:
        ctx.body = STATUS_REASONS.get(status, str(status))


def _js(err: BaseException, ctx: Any) -> None:
    _json(err, ctx)
    create = getattr(ctx, "create_jsonp_body", None)
    if callable(create):
        create(ctx.body)


_DEFAULT_HANDLERS: dict[str, Callable[[BaseException, Any], None]] = {
    "html": _html,
    "json": _json,
    "text": _text,
    "js": _js,
}


def _default_accepts(ctx: Any) -> str:
    if accept_json(ctx):
        return "json"
    if getattr(ctx, "accept_jsonp", False) is True:
        return "js"
    return "html"


# --- Context.onerror -----------------------------------------------------------------


def _encode(ctx: Any) -> bytes:
    body = ctx.response.body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    return json_bytes(body)


def onerror(ctx: Any, err: Any) -> None:
    """``ctx.onerror(err)`` with Egg's formats (install with :func:`install_onerror`)."""
    if err is None:
        return
    if not isinstance(err, BaseException):
        try:
            described = orjson.dumps(err, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:
            described = repr(err)
        wrapped = NonErrorThrown(f"non-error thrown: {described}")
        if isinstance(err, Mapping):
            for key in ("status", "headers", "name", "message"):
                if err.get(key) is not None:
                    setattr(wrapped, key, err[key])
        err = wrapped

    response = ctx.response
    stream = response.stream
    if error_after_head(ctx, err):
        return

    ctx.app.emit("error", err, ctx)

    status = detect_status(err)
    try:
        err.status = status  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - read-only attribute
        pass

    try:
        _render(ctx, err, status)
    except Exception as failure:  # a custom handler failed: fall back to plain text
        try:
            ctx.app.core_logger.error("onerror: rendering the error response failed: %r", failure, exc_info=failure)
        except Exception:  # pragma: no cover
            pass
        response._headers.clear()
        response._body = None
        response.status = status
        response.body = STATUS_REASONS.get(status, "Error")
        response.type = "text"

    body = _encode(ctx)
    response.set("Content-Length", str(len(body)))
    if ctx.request.method == "HEAD" or response.status in (204, 205, 304):
        body = b""
    try:
        stream.send(response.status, response.message, response.header_list(), body)
    except InvalidHeaderError:
        # The error's own headers were not sendable: answer without any.
        response._headers.clear()
        response.type = "text"
        text = STATUS_REASONS.get(response.status, "Error").encode()
        response.set("Content-Length", str(len(text)))
        stream.send(response.status, response.message, response.header_list(), b"" if ctx.request.method == "HEAD" else text)


def _render(ctx: Any, err: BaseException, status: int) -> None:
    options = _options(ctx.app)
    response = ctx.response
    accepts = options.get("accepts") or _default_accepts
    kind = accepts(ctx) or "text"

    if is_stream_body(response._body):
        close_body_soon(response._body)
    for name in _BODY_HEADERS:
        response.remove(name)
    response._body = None
    response._explicit_null_body = False
    response.status = status
    extra = getattr(err, "headers", None)
    if isinstance(extra, Mapping) and extra:
        response.set(dict(extra))

    custom_all = options.get("all")
    if callable(custom_all):
        custom_all(err, ctx)
        return
    handler = options.get(kind)
    if not callable(handler):
        handler = _DEFAULT_HANDLERS.get(kind, _text)
    handler(err, ctx)
    ctx.type = _MIME.get(kind, kind)


# --- logging and installation ------------------------------------------------------


def log_error(app: Any, err: BaseException, ctx: Any = None) -> None:
    """The ``error`` listener: logs ``err`` once with :func:`eggfast.logger.log_request_error`
    (5xx: ERROR with traceback; client errors: one WARN line), unless filtered out."""
    app_filter = _options(app).get("app_error_filter")
    if callable(app_filter) and app_filter(err, ctx) is False:
        return
    status = detect_status(err)
    logger = getattr(ctx, "logger", None) if ctx is not None else None
    if logger is None:
        logger = app.logger
    try:
        log_request_error(logger, err, status, ctx)
    except Exception as failure:  # a broken context logger must not hide the error
        log_request_error(app.logger, err, status, ctx)
        app.logger.error(failure, exc_info=failure)


def install_onerror(app: Any) -> None:
    """Use Egg's onerror for ``app``: its Context class answers errors by Accept/env
    and an ``error`` listener logs them.  Idempotent."""
    app.context_class.onerror = onerror
    if getattr(app, "_eggfast_onerror_listener", None) is None:
        def listener(err: BaseException, ctx: Any = None) -> None:
            log_error(app, err, ctx)

        app._eggfast_onerror_listener = listener
        app.on("error", listener)
