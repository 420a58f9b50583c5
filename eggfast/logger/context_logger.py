"""Loggers bound to a request: ``ctx.logger``, ``ctx.core_logger``, ``ctx.get_logger(name)``.

Every line they write starts with ``[ip/traceId/Nms METHOD url]`` (a missing
field is ``-``; ``N`` is the time since the request started), and the loggers
of controllers and services add ``[controller.home]`` after it.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Mapping, MutableMapping, Optional

from eggfast.logger.formatter import error_title

__all__ = ["ContextLogger", "ClassLogger", "context_prefix", "class_logger", "trace_id", "log_request_error"]

_TRACE_HEADERS = ("x-trace-id", "x-request-id")


def trace_id(ctx: Any) -> str:
    """``ctx.trace_id`` when something set it, else the ``x-trace-id`` / ``x-request-id`` header, else ``-``."""
    value = getattr(ctx, "trace_id", None)
    if value:
        return str(value)
    headers = getattr(getattr(ctx, "request", None), "headers", None) or {}
    for name in _TRACE_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return "-"


def elapsed_ms(ctx: Any) -> int:
    """Whole milliseconds since the request started (0 when unknown)."""
    start = getattr(ctx, "performance_starttime", None)
    if start is not None:
        return int((time.perf_counter() - start) * 1000)
    start = getattr(ctx, "starttime", None)
    if start is not None:
        return max(0, int((time.time() - start) * 1000))
    return 0


def context_prefix(ctx: Any) -> str:
    """``[ip/traceId/Nms METHOD url]`` for one context."""
    try:
        ip = ctx.ip or "-"
    except Exception:  # a half-built or anonymous context
        ip = "-"
    try:
        method = ctx.method or "-"
        url = ctx.url or "-"
    except Exception:
        method, url = "-", "-"
    return f"[{ip}/{trace_id(ctx)}/{elapsed_ms(ctx)}ms {method} {url}]"


def _message_and_kwargs(msg: Any, kwargs: MutableMapping[str, Any]) -> str:
    if isinstance(msg, BaseException):
        if not kwargs.get("exc_info"):
            kwargs["exc_info"] = msg
        return error_title(msg)
    return msg if isinstance(msg, str) else str(msg)


def _interpolate(text: str, args: tuple) -> str:
    if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
        args = args[0]  # type: ignore[assignment]
    try:
        return text % args
    except (TypeError, ValueError, KeyError):
        return f"{text} {args!r}"


class _Adapter(logging.LoggerAdapter):
    """A LoggerAdapter that formats ``msg % args`` before adding its prefix.

    (The prefix holds the request url, which may contain ``%``.)  Also has
    Egg's spelling ``warn`` without a deprecation warning.
    """

    def log(self, level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        text = _message_and_kwargs(msg, kwargs)
        if args:
            text = _interpolate(text, args)
        text, kwargs = self.process(text, kwargs)
        self.logger.log(level, text, **kwargs)

    def warn(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        self.log(logging.WARNING, msg, *args, **kwargs)


class ContextLogger(_Adapter):
    """Wraps an app-level logger; prefixes each message with the request's fields."""

    def __init__(self, ctx: Any, logger: Any) -> None:
        super().__init__(logger, None)
        self.ctx = ctx

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        text = _message_and_kwargs(msg, kwargs)
        extra = kwargs.get("extra")
        if extra is None:
            kwargs["extra"] = {"ctx": self.ctx}
        else:
            extra.setdefault("ctx", self.ctx)
        return f"{context_prefix(self.ctx)} {text}", kwargs

    @property
    def name(self) -> str:
        return self.logger.name


class ClassLogger(_Adapter):
    """Adds ``[path.name]`` (e.g. ``[controller.home]``) before the message."""

    def __init__(self, logger: Any, path_name: str) -> None:
        super().__init__(logger, None)
        self.path_name = path_name

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        text = _message_and_kwargs(msg, kwargs)
        return f"[{self.path_name}] {text}", kwargs

    @property
    def name(self) -> str:
        return self.logger.name


def class_logger(ctx: Any, path_name: Optional[str], logger: Any = None) -> Any:
    """The logger of a controller or service: ``ctx.logger`` plus ``[path_name]``.

    ``logger`` picks another base (default ``ctx.logger``).  Without a
    ``path_name`` the base logger is returned unchanged.
    """
    base = logger if logger is not None else ctx.logger
    if not path_name:
        return base
    return ClassLogger(base, path_name)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def log_request_error(logger: Any, err: BaseException, status: int, ctx: Any = None) -> None:
    """Log the error a request (or background task) ended with, once.

    * ``status >= 500``: ERROR, ``ErrorName: message`` and the traceback.
    * A client error (``status < 500``): one WARN line
      ``<status> <ErrorName>: <message>``, line breaks escaped, and no
      traceback unless ``logger`` is enabled for DEBUG.  A client can send
      bad requests at will, so they must stay cheap to log.  A
      :class:`ContextLogger`'s prefix already names the request; with any
      other logger `` (METHOD path)`` of ``ctx`` is appended.
    """
    if status >= 500:
        logger.error(err, exc_info=err)
        return
    line = f"{status} {error_title(err)}"
    if ctx is not None and not isinstance(logger, ContextLogger):
        try:
            line = f"{line} ({ctx.method} {ctx.path})"
        except Exception:  # a half-built context: the line without the request
            pass
    enabled = getattr(logger, "isEnabledFor", None)
    debug = bool(enabled(logging.DEBUG)) if callable(enabled) else False
    logger.warning(_one_line(line), exc_info=err if debug else None)
