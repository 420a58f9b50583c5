"""Framed orjson messages between the master and its children over a socketpair.

A frame is a 4-byte big-endian length followed by that many bytes of one
orjson-encoded dict.  Every frame has ``"t"`` (its type): ``ready``,
``error``, ``hb`` (heartbeat), ``retire``, ``msg`` (a messenger message).
A frame larger than the limit is refused by the sender with
:class:`MessageTooLarge`; a receiver that reads a larger length closes the
channel (the peer is broken, not merely chatty).
"""
from __future__ import annotations

import asyncio
import logging
import struct
from typing import Any, Callable, Optional

import orjson

__all__ = ["Channel", "MessageTooLarge", "encode", "DEFAULT_MAX_BYTES"]

log = logging.getLogger("eggfast.cluster.ipc")

DEFAULT_MAX_BYTES = 1024 * 1024
_HEADER = struct.Struct(">I")


class MessageTooLarge(ValueError):
    """A message whose encoded size is over ``cluster.ipc_max_bytes``."""


def encode(frame: dict, limit: int = DEFAULT_MAX_BYTES) -> bytes:
    """One frame: length prefix + orjson body; ``MessageTooLarge`` over ``limit``."""
    try:
        body = orjson.dumps(frame, option=orjson.OPT_NON_STR_KEYS)
    except TypeError as exc:
        action = frame.get("action", frame.get("t"))
        raise TypeError(f"messenger: message {action!r} cannot be sent between processes: {exc} "
                        f"(send JSON-serialisable data)") from exc
    if len(body) > limit:
        action = frame.get("action", frame.get("t"))
        raise MessageTooLarge(f"messenger: message {action!r} is {len(body):,} bytes encoded; "
                              f"the limit is {limit:,} (config.cluster.ipc_max_bytes)")
    return _HEADER.pack(len(body)) + body


class Channel(asyncio.Protocol):
    """One end of a master ⇄ child socketpair, as an asyncio protocol.

    ``on_frame(frame)`` is called for every decoded frame, ``on_close()``
    once when the peer goes away.  :meth:`send` never raises for a closed
    peer: it returns False (a message to a dead process is dropped).
    """

    def __init__(self, on_frame: Callable[[dict], Any], on_close: Optional[Callable[[], Any]] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.on_frame = on_frame
        self.on_close = on_close
        self.max_bytes = max_bytes
        self.transport: Optional[asyncio.Transport] = None
        self.closed = False
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= 4:
            (size,) = _HEADER.unpack_from(buffer)
            # the peer may send up to its own limit plus the routing fields around the data
            if size > self.max_bytes + 4096:
                log.error("[eggfast:ipc] a frame of %d bytes is over the limit %d: closing the channel",
                          size, self.max_bytes)
                self.close()
                return
            if len(buffer) < 4 + size:
                break
            body = bytes(buffer[4:4 + size])
            del buffer[:4 + size]
            try:
                frame = orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                log.error("[eggfast:ipc] undecodable frame dropped: %s", exc)
                continue
            if isinstance(frame, dict):
                try:
                    self.on_frame(frame)
                except Exception as exc:  # one bad handler must not kill the channel
                    log.error("[eggfast:ipc] handling %r failed: %s", frame.get("t"), exc, exc_info=exc)

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        if self.closed:
            return
        self.closed = True
        if self.on_close is not None:
            self.on_close()

    def send(self, frame: dict) -> bool:
        """Encode and write ``frame``; False when the peer is gone.  Raises for a too-large frame."""
        data = encode(frame, self.max_bytes)
        return self.write(data)

    def write(self, data: bytes) -> bool:
        transport = self.transport
        if self.closed or transport is None or transport.is_closing():
            return False
        try:
            transport.write(data)
        except (OSError, RuntimeError):
            return False
        return True

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
