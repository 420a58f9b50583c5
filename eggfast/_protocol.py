"""Selector for the HTTP/1.1 connection protocol."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _speedups
from . import _protocol_py as protocol_py

if TYPE_CHECKING:
    protocol = protocol_py
    protocol_c = None
else:
    def _load():
        from . import _protocol_c

        return _protocol_c

    protocol, protocol_c = _speedups.select("protocol", protocol_py, _load)

HttpProtocol = protocol.HttpProtocol
#: The parsed request head the active protocol builds (``eggfast.message.RawRequest``).
RawRequest = protocol.RawRequest

__all__ = ["protocol", "protocol_py", "protocol_c", "HttpProtocol", "RawRequest"]
