"""The HTTP/1.1 server: listening sockets, connection tracking, graceful close."""
from __future__ import annotations

import asyncio
import socket
from typing import Any, Awaitable, Callable, Optional

from eggfast.server.limits import ServerLimits
from eggfast.server._protocol import RawRequest

Handler = Callable[[RawRequest, Any], Awaitable[None]]


def install_uvloop() -> bool:
    """Use uvloop's event loop policy when uvloop is installed; True if it is."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency on CPython/POSIX
        return False
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return True


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A uvloop loop when available, else asyncio's default."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class Server:
    """A listening HTTP server.  ``close()`` stops accepting and drains connections.

    Graceful close: the listening sockets close at once; idle keep-alive
    connections close; connections with a request in flight finish that
    response (sent with ``Connection: close``) and then close.  After
    ``limits.shutdown_timeout`` the stragglers are aborted.
    """

    def __init__(self, handler: Handler, limits: ServerLimits, protocol_class: Optional[type] = None) -> None:
        if protocol_class is None:
            from eggfast.server._protocol import HttpProtocol as protocol_class
        self.handler = handler
        self.limits = limits
        self.protocol_class = protocol_class
        self.connections: set = set()
        self._server: Optional[asyncio.AbstractServer] = None
        self._closing = False
        self._idle_grace = 0.0
        self._all_closed: Optional[asyncio.Event] = None
        self._address: tuple = ("", 0)

    # Connection tracker interface used by the protocol.
    def add(self, protocol: Any) -> None:
        self.connections.add(protocol)
        if self._closing:
            # Accepted before close() but connected after it (the loop calls connection_made a turn
            # after the accept), so close() did not see it: it finishes the same way as the others.
            protocol._closing = True
            asyncio.get_running_loop().call_later(self._idle_grace, protocol.shutdown)

    def discard(self, protocol: Any) -> None:
        self.connections.discard(protocol)
        if not self.connections and self._all_closed is not None:
            self._all_closed.set()

    def _make_protocol(self) -> asyncio.Protocol:
        loop = asyncio.get_running_loop()
        protocol = self.protocol_class(self.handler, loop, self.limits, self)
        if self._closing:
            protocol.shutdown()
        return protocol

    async def start(self, host: str = "127.0.0.1", port: int = 7001, *, sock: Optional[socket.socket] = None,
                    backlog: int = 2048, reuse_port: bool = False) -> "Server":
        loop = asyncio.get_running_loop()
        if sock is not None:
            self._server = await loop.create_server(self._make_protocol, sock=sock, backlog=backlog)
        else:
            self._server = await loop.create_server(
                self._make_protocol, host, port, backlog=backlog, reuse_port=reuse_port or None
            )
        self._address = self._server.sockets[0].getsockname()
        return self

    @property
    def sockets(self) -> tuple:
        return tuple(self._server.sockets) if self._server is not None else ()

    @property
    def port(self) -> int:
        """The bound port (useful after listening on port 0)."""
        return self._address[1]

    @property
    def host(self) -> str:
        return self._address[0]

    def close(self, idle_grace: float = 0.0) -> None:
        """Stop accepting; ask every connection to finish its current response and close.

        With ``idle_grace`` > 0 an idle keep-alive connection is not closed at
        once: a request already on its way is answered (with ``Connection:
        close``) during that many seconds, then the connection closes.
        Closing an idle connection at once races a client that is sending on
        it, which then sees a reset (the cluster drains with a grace).
        """
        if self._closing:
            return
        self._closing = True
        self._idle_grace = max(0.0, idle_grace)
        if self._server is not None:
            self._server.close()
        if idle_grace <= 0:
            for protocol in list(self.connections):
                protocol.shutdown()
            return
        loop = asyncio.get_running_loop()
        for protocol in list(self.connections):
            protocol._closing = True  # the next response says Connection: close
            loop.call_later(idle_grace, protocol.shutdown)

    async def wait_closed(self) -> None:
        """Wait until every connection is closed (aborting them after the shutdown timeout)."""
        if self._server is not None:
            await self._server.wait_closed()
        if not self.connections:
            return
        self._all_closed = asyncio.Event()
        try:
            await asyncio.wait_for(self._all_closed.wait(), self.limits.shutdown_timeout)
        except asyncio.TimeoutError:
            for protocol in list(self.connections):
                if protocol.transport is not None:
                    protocol.transport.abort()

    async def __aenter__(self) -> "Server":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()
        await self.wait_closed()
