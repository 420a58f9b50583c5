"""Build an application's (or agent's) loggers from ``config.logger``.

Files (SPEC §11), under ``config.logger.dir`` (default ``<root>/logs/<name>/``):

============================  ==========================================
``<name>-web.log``            ``app.logger``
``eggfast-web.log``           ``app.core_logger``
``eggfast-agent.log``         the agent's ``logger`` and ``core_logger``
``common-error.log``          every ERROR of every logger (``error_logger``)
``eggfast-schedule.log``      ``schedule_logger`` (a ``custom_logger``)
============================  ==========================================

The loggers are :class:`EggLogger` instances that live outside
``logging``'s global registry (so two apps in one process never share one
and nothing is left behind once :func:`close_loggers` ran) and do not
propagate to the root logger.  Console output (stdout, errors on stderr) is
on in the local env, or wherever ``config.logger.console`` is True.
"""
from __future__ import annotations

import itertools
import logging
import os
import re
import sys
import weakref
from pathlib import Path
from typing import Any, Optional

from eggfast.logger.formatter import NONE, EggFormatter, parse_level

__all__ = [
    "EggLogger",
    "Loggers",
    "setup_loggers",
    "close_loggers",
    "resolve_log_dir",
    "install_context_loggers",
]

_serial = itertools.count(1)
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


class EggLogger(logging.Logger):
    """A stdlib logger that also answers Egg's ``warn`` (without a deprecation warning)."""

    def warn(self, msg: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if self.isEnabledFor(logging.WARNING):
            kwargs.setdefault("stacklevel", 2)
            self._log(logging.WARNING, msg, args, **kwargs)

    def setLevel(self, level: Any) -> None:  # noqa: N802 - stdlib name
        # Outside logging's registry, the manager does not reset this logger's
        # isEnabledFor() cache: do it here so a level change takes effect.
        super().setLevel(parse_level(level) if isinstance(level, str) else level)
        self._cache.clear()


class ConsoleHandler(logging.Handler):
    """Writes to the *current* ``sys.stdout`` (``sys.stderr`` from ERROR up)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stderr if record.levelno >= logging.ERROR else sys.stdout
            stream.write(line + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


class Loggers(dict):
    """``name -> EggLogger`` for one application or agent, plus their handlers."""

    def __init__(self, kind: str, directory: Path) -> None:
        super().__init__()
        self.kind = kind
        self.dir = directory
        self.handlers: dict[str, logging.Handler] = {}
        self.closed = False

    def get_logger(self, name: str) -> Optional[EggLogger]:
        """The logger called ``name`` (``coreLogger`` also finds ``core_logger``), or None."""
        found = self.get(name)
        if found is None and isinstance(name, str):
            found = self.get(_CAMEL.sub("_", name).lower())
        return found

    def file_handler(self, path: Path, encoding: str, level: int) -> logging.Handler:
        key = str(path)
        handler = self.handlers.get(key)
        if handler is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(path, mode="a", encoding=encoding)
            handler.setFormatter(EggFormatter())
            handler.setLevel(level)
            self.handlers[key] = handler
        elif level < handler.level:
            handler.setLevel(level)
        return handler

    def files(self) -> list[Path]:
        """The paths of every log file these loggers write (built-in and custom)."""
        return [Path(key) for key in self.handlers]

    def reload(self) -> None:
        """Reopen every log file (after log rotation renamed it).

        Each handler swaps its stream under its own lock, so a line is written
        either to the renamed file or to the new one, never lost.
        """
        if self.closed:
            return
        for handler in self.handlers.values():
            if not isinstance(handler, logging.FileHandler):
                continue
            handler.acquire()
            try:
                old = handler.stream
                handler.stream = handler._open()
                if old is not None:
                    try:
                        old.flush()
                        old.close()
                    except Exception:  # pragma: no cover - a stream that cannot close is dropped
                        pass
            finally:
                handler.release()

    def close(self) -> None:
        """Detach and close every handler (idempotent)."""
        if self.closed:
            return
        self.closed = True
        for logger in self.values():
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
        for handler in self.handlers.values():
            try:
                handler.close()
            except Exception:  # pragma: no cover - closing must not fail
                pass
        self.handlers.clear()


def _config(app: Any) -> Any:
    config = getattr(app, "config", None)
    return config if config is not None else {}


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    if mapping is None:
        return default
    try:
        value = mapping.get(key, default)
    except AttributeError:
        value = getattr(mapping, key, default)
    return default if value is None else value


def _app_name(app: Any, config: Any) -> str:
    name = _get(config, "name") or getattr(app, "name", None)
    if isinstance(name, str) and name:
        return name
    base = _base_dir(app, config)
    return Path(base).name or "app"


def _base_dir(app: Any, config: Any) -> str:
    return str(_get(config, "base_dir") or getattr(app, "base_dir", None) or os.getcwd())


def _env(app: Any, config: Any) -> str:
    return str(_get(config, "env") or getattr(app, "env", None) or "local")


def resolve_log_dir(app: Any) -> Path:
    """``config.logger.dir``, else ``<root>/logs/<app name>``.

    ``root`` is ``config.root`` when set, else ``base_dir`` in the local and
    unittest envs and the home directory (``config.home``, ``EGG_HOME``, ``~``)
    otherwise, as Egg does.
    """
    config = _config(app)
    directory = _get(_get(config, "logger", {}), "dir")
    if directory:
        return Path(directory)
    root = _get(config, "root") or getattr(app, "root", None)
    if not root:
        if _env(app, config) in ("local", "unittest"):
            root = _base_dir(app, config)
        else:
            root = _get(config, "home") or os.environ.get("EGG_HOME") or str(Path.home())
    return Path(root) / "logs" / _app_name(app, config)


def _file_level(value: Any, env: str, allow_debug_at_prod: bool) -> int:
    level = parse_level(value)
    if env == "prod" and level < logging.INFO and not allow_debug_at_prod:
        level = logging.INFO
    return level


def _build(
    loggers: Loggers,
    name: str,
    *,
    owner: str,
    file: Optional[str],
    level: int,
    console_level: int,
    console: bool,
    encoding: str,
    error_handler: Optional[logging.Handler],
) -> EggLogger:
    logger = EggLogger(f"eggfast.{owner}.{name}")
    logger.propagate = False
    wanted = [level]
    if file:
        path = Path(file)
        if not path.is_absolute():
            path = loggers.dir / path
        if level < NONE:
            logger.addHandler(loggers.file_handler(path, encoding, level))
    if console and console_level < NONE:
        handler = ConsoleHandler(console_level)
        handler.setFormatter(EggFormatter())
        logger.addHandler(handler)
        wanted.append(console_level)
    if error_handler is not None and error_handler not in logger.handlers:
        logger.addHandler(error_handler)
        wanted.append(logging.ERROR)
    logger.setLevel(min(wanted))
    loggers[name] = logger
    return logger


def setup_loggers(app: Any, *, kind: str = "application") -> Loggers:
    """Create the loggers of ``app`` (``kind="application"``) or an agent (``kind="agent"``).

    Sets ``app.logger``, ``app.core_logger``, ``app.loggers`` and
    ``app.get_logger(name)``; for an application it also installs
    ``ctx.logger`` / ``ctx.core_logger`` / ``ctx.get_logger`` on
    ``app.context_class``.  Calling it again first closes the previous set.
    """
    if kind not in ("application", "agent"):
        raise ValueError(f"kind must be 'application' or 'agent', not {kind!r}")
    previous = getattr(app, "loggers", None)
    if isinstance(previous, Loggers):
        previous.close()

    config = _config(app)
    options = _get(config, "logger", {}) or {}
    env = _env(app, config)
    name = _app_name(app, config)
    encoding = _get(options, "encoding", "utf-8")
    if encoding.lower().replace("-", "") == "utf8":
        encoding = "utf-8"
    allow_debug = bool(_get(options, "allow_debug_at_prod", False))
    level = _file_level(_get(options, "level", "INFO"), env, allow_debug)
    console_level = parse_level(_get(options, "console_level", "INFO"))
    console_option = _get(options, "console")
    console = (env == "local") if console_option is None else bool(console_option)

    loggers = Loggers(kind, resolve_log_dir(app))
    owner = f"{name}#{next(_serial)}" if kind == "application" else f"{name}:agent#{next(_serial)}"

    error_file = Path(_get(options, "error_log_name", "common-error.log"))
    if not error_file.is_absolute():
        error_file = loggers.dir / error_file
    error_handler = loggers.file_handler(error_file, encoding, logging.ERROR)
    error_handler.setLevel(logging.ERROR)

    common = {"encoding": encoding, "error_handler": error_handler, "console": console, "owner": owner}
    if kind == "application":
        app_file = _get(options, "app_log_name") or f"{name}-web.log"
        core_file = _get(options, "core_log_name", "eggfast-web.log")
    else:
        app_file = core_file = _get(options, "agent_log_name", "eggfast-agent.log")

    _build(loggers, "logger", file=app_file, level=level, console_level=console_level, **common)

    core_options = _get(options, "core_logger", {}) or {}
    core_console_default = "WARN" if env == "local" else _get(options, "console_level", "INFO")
    _build(
        loggers,
        "core_logger",
        file=core_file,
        level=_file_level(_get(core_options, "level", _get(options, "level", "INFO")), env, allow_debug),
        console_level=parse_level(_get(core_options, "console_level", core_console_default)),
        **common,
    )

    # The error logger writes common-error.log only (and the console).
    error_logger = EggLogger(f"eggfast.{owner}.error_logger")
    error_logger.propagate = False
    error_logger.addHandler(error_handler)
    error_logger.setLevel(logging.ERROR)
    if console and console_level < NONE:
        handler = ConsoleHandler(max(console_level, logging.ERROR))
        handler.setFormatter(EggFormatter())
        error_logger.addHandler(handler)
    loggers["error_logger"] = error_logger

    custom = _get(config, "custom_logger")
    if custom is None:  # a bare Koa-style app: Egg's default custom loggers
        from eggfast.defaults import CONFIG as _DEFAULTS

        custom = _DEFAULTS["custom_logger"]
    for custom_name, custom_options in custom.items():
        if custom_name in loggers:
            raise ValueError(f"config.custom_logger.{custom_name}: a built-in logger has that name")
        custom_options = custom_options or {}
        file = _get(custom_options, "file")
        if not file:
            raise ValueError(f"config.custom_logger.{custom_name}.file is required")
        _build(
            loggers,
            custom_name,
            file=file,
            level=_file_level(_get(custom_options, "level", _get(options, "level", "INFO")), env, allow_debug),
            console_level=parse_level(_get(custom_options, "console_level", _get(options, "console_level", "INFO"))),
            **common,
        )

    app.loggers = loggers
    app.logger = loggers["logger"]
    app.core_logger = loggers["core_logger"]
    app.get_logger = loggers.get_logger
    if kind == "application" and isinstance(getattr(app, "context_class", None), type):
        install_context_loggers(app.context_class)
    return loggers


def close_loggers(app: Any) -> None:
    """Close the files opened by :func:`setup_loggers` for ``app`` (idempotent)."""
    loggers = getattr(app, "loggers", None)
    if isinstance(loggers, Loggers):
        loggers.close()


# --- the context side ---------------------------------------------------------


def install_context_loggers(context_class: type) -> None:
    """Give ``context_class`` Egg's ``logger``, ``core_logger`` and ``get_logger(name)``.

    Each is created on first use and cached on the context.  ``ctx.logger =
    x`` replaces the request's logger (assigning the app's own logger, as
    the base Context does in ``__init__``, is ignored).
    """
    from eggfast.logger.context_logger import ContextLogger

    if context_class.__dict__.get("_eggfast_context_loggers"):
        return

    def _wrap(ctx: Any, name: str) -> Any:
        # The cache holds its loggers weakly: a ContextLogger refers to its
        # context, so a strong cache entry would make every request that logs
        # a reference cycle (ctx -> cache -> logger -> ctx), freed only by the
        # GC.  While a caller holds the logger, the same one is handed out.
        cache = ctx.__dict__.get("_context_loggers")
        if cache is None:
            cache = ctx.__dict__["_context_loggers"] = {}
        ref = cache.get(name)
        found = ref() if ref is not None else None
        if found is None:
            get = getattr(ctx.app, "get_logger", None)
            base = get(name) if get is not None else None
            if base is None:
                if name == "logger":
                    base = ctx.app.logger
                elif name == "core_logger":
                    base = ctx.app.core_logger
                else:
                    return None
            found = ContextLogger(ctx, base)
            cache[name] = weakref.ref(found)
        return found

    def _get_logger(self: Any) -> Any:
        override = self.__dict__.get("_logger_override")
        return override if override is not None else _wrap(self, "logger")

    def _set_logger(self: Any, value: Any) -> None:
        if value is getattr(self.app, "logger", None):
            return
        self.__dict__["_logger_override"] = value

    def _core_logger(self: Any) -> Any:
        return _wrap(self, "core_logger")

    def get_logger(self: Any, name: str) -> Any:
        """A context-bound view of ``app.get_logger(name)`` (None if unknown)."""
        return _wrap(self, name)

    context_class.logger = property(_get_logger, _set_logger, doc="The app logger, bound to this request.")
    context_class.core_logger = property(_core_logger, doc="The core logger, bound to this request.")
    context_class.get_logger = get_logger
    context_class._eggfast_context_loggers = True
