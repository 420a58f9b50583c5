"""Selector for the HTTP/1.1 connection protocol (hot path ``protocol`` in :mod:`eggfast.twins`)."""
from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Optional

from eggfast.server import _protocol_py as protocol_py
from eggfast.twins import select

protocol_c: Optional[ModuleType]
if TYPE_CHECKING:
    protocol = protocol_py
    protocol_c = None
else:
    _twins = select("protocol")
    protocol = _twins.active.protocol
    protocol_c = _twins.compiled.protocol if _twins.compiled else None

HttpProtocol = protocol.HttpProtocol
#: The parsed request head the active protocol builds.
RawRequest = protocol.RawRequest

__all__ = ["protocol", "protocol_py", "protocol_c", "HttpProtocol", "RawRequest"]
