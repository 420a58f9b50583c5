"""The narrow interface between the HTTP protocol and the Koa core.

The protocol (either twin) parses a request head into a :class:`RawRequest`
and hands it, with a :class:`ResponseStream`, to ``Application.handler``.
The core never touches sockets; the protocol never touches Context.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator, Optional, Protocol

if TYPE_CHECKING:
    from eggfast.server._protocol_py import RawRequest


class BodyReader(Protocol):
    """A request body, streamed: read it whole or iterate over chunks."""

    async def read(self, limit: Optional[int] = None) -> bytes:
        """The whole body.  Over ``limit`` bytes raises ``HttpError(413)``; without
        ``limit`` the server's ``max_body_size`` applies."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    @property
    def complete(self) -> bool:
        """True once the last byte of the body has arrived."""


class ResponseStream(Protocol):
    """Where the core writes one response.  Headers are ``(name, value)`` str pairs."""

    @property
    def headers_sent(self) -> bool: ...

    @property
    def writable(self) -> bool:
        """False once the client has gone away or the response has ended."""

    def send(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        """A whole response in one write (Content-Length must be among ``headers``)."""

    def start(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        """Send the head; without Content-Length the body goes chunked (HTTP/1.1)."""

    async def write(self, chunk: bytes) -> None:
        """Send a body chunk; waits while the transport is over its high-water mark."""

    def end(self) -> None:
        """Finish the response started with :meth:`start`."""


class EmptyBody:
    """The body of a request that has none (also used by anonymous contexts)."""

    complete = True

    async def read(self, limit: Optional[int] = None) -> bytes:
        return b""

    def __aiter__(self) -> "EmptyBody":
        return self

    async def __anext__(self) -> Any:
        raise StopAsyncIteration

    def set_error(self, exc: BaseException) -> None:
        """Nothing to fail: the body is already complete."""


#: Shared by every request that has no body (no Content-Length, no Transfer-Encoding).
EMPTY_BODY = EmptyBody()


__all__ = ["BodyReader", "ResponseStream", "EmptyBody", "EMPTY_BODY"]
