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
