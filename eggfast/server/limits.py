"""HTTP server limits and timeouts, with their defaults (``config.server``)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class ServerLimits:
    """Every bound the HTTP/1.1 server enforces on a client.

    Sizes are bytes, times are seconds.  Exceeding one gives the status in
    the comment and closes the connection.
    """

    max_request_line: int = 8 * 1024  # request-target longer -> 414
    max_header_size: int = 16 * 1024  # whole header block larger -> 431
    max_headers: int = 100  # more header lines -> 431
    header_timeout: float = 20.0  # absolute, from the request's first byte -> 408
    keep_alive_timeout: float = 5.0  # idle keep-alive connection -> closed silently
    body_timeout: float = 30.0  # no body bytes for this long while a handler reads -> 408
    send_timeout: float = 60.0  # written data not moving to the client for this long -> abort
    # read() without a limit, over this -> 413 (None: unbounded); streamed reading is not bounded.
    max_body_size: Optional[int] = 10 * 1024 * 1024
    max_pipelined: int = 16  # queued requests per connection before reading pauses
    body_buffer: int = 256 * 1024  # buffered unread body bytes before reading pauses
    shutdown_timeout: float = 30.0  # graceful close waits this long for in-flight requests
    linger_timeout: float = 2.0  # after answering an unread body, drain input this long

    @classmethod
    def from_config(cls, options: Mapping[str, Any] | None) -> "ServerLimits":
        """Build from a ``config.server`` mapping; unknown keys are an error naming them."""
        if not options:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise ValueError(f"config.server: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**dict(options))
