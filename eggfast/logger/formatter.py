"""Egg's log line: ``YYYY-MM-DD HH:mm:ss,SSS LEVEL PID message``.

Errors follow the message on the next lines as a Python traceback.  A log
call whose message *is* an exception (``logger.error(err)``, as Egg code
writes it) prints ``ErrorName: message`` (the error's class name) and that
error's traceback.
"""
from __future__ import annotations

import logging
from typing import Any, Optional, Union

from eggfast.errors import error_name

__all__ = ["EggFormatter", "NONE", "parse_level", "level_name", "error_title"]

#: a level above every other: ``"NONE"`` turns a logger or its console off.
NONE = logging.CRITICAL + 50

_LEVELS = {
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "CRITICAL": logging.CRITICAL,
    "FATAL": logging.CRITICAL,
    "NONE": NONE,
    "OFF": NONE,
}

_NAMES = {logging.WARNING: "WARN", NONE: "NONE"}


def parse_level(value: Union[str, int, None], default: int = logging.INFO) -> int:
    """``"WARN"``/``"warn"``/``30`` → ``logging.WARNING``; ``"NONE"`` → :data:`NONE`."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ValueError(f"invalid log level: {value!r}")
    if isinstance(value, int):
        return value
    try:
        return _LEVELS[str(value).strip().upper()]
    except KeyError:
        raise ValueError(
            f"invalid log level {value!r}: use DEBUG, INFO, WARN, ERROR or NONE"
        ) from None


def level_name(levelno: int) -> str:
    """The name printed in a line: Egg's ``WARN`` for warnings."""
    return _NAMES.get(levelno) or logging.getLevelName(levelno)


def error_title(err: BaseException) -> str:
    """``ErrorName: message``; the name is :func:`eggfast.errors.error_name` (the class, e.g.
    ``AttributeError``, never ``AttributeError.name``)."""
    name = error_name(err)
    text = str(err)
    return f"{name}: {text}" if text else name


class EggFormatter(logging.Formatter):
    """Formats one record as one Egg log line (plus a traceback for errors)."""

    def __init__(self) -> None:
        super().__init__()

    def format(self, record: logging.LogRecord) -> str:
        msg: Any = record.msg
        exc_info = record.exc_info
        if isinstance(msg, BaseException):
            message = error_title(msg)
            if not exc_info:
                exc_info = (type(msg), msg, msg.__traceback__)
        else:
            message = record.getMessage()
        line = f"{self.formatTime(record)} {level_name(record.levelno)} {record.process} {message}"
        stack = self._exception_text(record, exc_info)
        if stack:
            line = f"{line}\n{stack}"
        if record.stack_info:
            line = f"{line}\n{self.formatStack(record.stack_info)}"
        return line

    def _exception_text(self, record: logging.LogRecord, exc_info: Optional[tuple]) -> str:
        if not exc_info:
            return ""
        if exc_info is record.exc_info:
            if not record.exc_text:
                record.exc_text = self.formatException(exc_info)
            return record.exc_text
        return self.formatException(exc_info)
