"""eggfast's loggers (Egg's egg-logger on stdlib :mod:`logging`).

>>> from eggfast.logger import parse_level
>>> parse_level("WARN") == 30
True

Use :func:`setup_loggers` once per application or agent and
:func:`close_loggers` when it closes; see docs/logging.md.
"""
from __future__ import annotations

from eggfast.logger.context_logger import (
    ClassLogger,
    ContextLogger,
    class_logger,
    context_prefix,
    log_request_error,
    trace_id,
)
from eggfast.logger.formatter import NONE, EggFormatter, error_title, level_name, parse_level
from eggfast.logger.setup import (
    EggLogger,
    Loggers,
    close_loggers,
    install_context_loggers,
    resolve_log_dir,
    setup_loggers,
)

__all__ = [
    "NONE",
    "ClassLogger",
    "ContextLogger",
    "EggFormatter",
    "EggLogger",
    "Loggers",
    "class_logger",
    "close_loggers",
    "context_prefix",
    "error_title",
    "install_context_loggers",
    "level_name",
    "log_request_error",
    "parse_level",
    "resolve_log_dir",
    "setup_loggers",
    "trace_id",
]
