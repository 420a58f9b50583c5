"""Every exception eggfast raises, defined once and shared by both twins."""
from __future__ import annotations

from typing import Any, Mapping

from eggfast.http.hdrs import STATUS_REASONS


class EggfastError(Exception):
    """Base class of eggfast's own errors."""


class ComposeError(EggfastError):
    """Raised by compose for ``next()`` called more than once."""


class HttpError(EggfastError):
    """An error that carries an HTTP status (Koa's http-errors).

    ``expose`` defaults to ``status < 500``: the message is shown to the client
    only for client errors.  ``headers`` are sent with the error response.
    """

    def __init__(
        self,
        status: int = 500,
        message: str | None = None,
        *,
        expose: bool | None = None,
        headers: Mapping[str, str] | None = None,
        **props: Any,
    ) -> None:
        if not isinstance(status, int) or not 400 <= status <= 599:
            status = 500
        self.status = status
        self.message = message if message is not None else STATUS_REASONS.get(status, "Error")
        self.expose = status < 500 if expose is None else expose
        self.headers = dict(headers) if headers else None
        for key, value in props.items():
            setattr(self, key, value)
        super().__init__(self.message)

    @property
    def status_code(self) -> int:
        return self.status


class ProtocolError(EggfastError):
    """A client sent something that is not acceptable HTTP/1.1."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(f"{status} {reason}")


class InvalidHeaderError(EggfastError, ValueError):
    """A response header name or value the writer refuses to put on the wire."""


class RouterError(EggfastError):
    """A route definition that cannot be accepted (raised at start-up)."""


class ConfigError(EggfastError):
    """A mis-configuration found while starting an application."""


class NonErrorThrown(EggfastError):
    """Stands in for a value that is not an exception given to ``ctx.onerror`` (Koa's "non-error thrown").

    The value's ``status``, ``headers``, ``name`` and ``message`` are copied onto it.
    """


def error_name(err: BaseException) -> str:
    """The name shown for ``err`` on error pages and in logs: its class name, as Egg shows ``Error.name``.

    Python's own ``name`` attributes name the missing thing, not the error
    (``AttributeError.name`` is the attribute, ``NameError.name`` the variable,
    ``ImportError.name`` the module; libraries do the same, e.g. a template
    error's ``name`` is the template), so a ``name`` is honoured only on
    eggfast's own errors: an :class:`HttpError` (or subclass) carrying a
    non-empty string ``name``, such as the body parser's ``SyntaxError``, and
    a :class:`NonErrorThrown` whose value had one.
    """
    if isinstance(err, EggfastError):
        name = getattr(err, "name", None)
        if isinstance(name, str) and name:
            return name
    return type(err).__name__


def error_status(err: BaseException) -> int:
    """The HTTP status an error answers with: its ``status`` (or ``status_code``) when
    that is an int in 400..599, 404 for a missing file, else 500."""
    if isinstance(err, FileNotFoundError) or getattr(err, "code", None) == "ENOENT":
        return 404
    for attr in ("status", "status_code"):
        status = getattr(err, attr, None)
        if isinstance(status, int) and not isinstance(status, bool) and 400 <= status <= 599:
            return status
    return 500
