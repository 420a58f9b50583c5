"""Selector for the response-head writer (hot path ``writer`` in :mod:`eggfast.twins`)."""
from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Optional

from eggfast.server import _writer_py as writer_py
from eggfast.twins import select

writer_c: Optional[ModuleType]
if TYPE_CHECKING:
    writer = writer_py
    writer_c = None
else:
    _twins = select("writer")
    writer = _twins.active.writer
    writer_c = _twins.compiled.writer if _twins.compiled else None

build_head = writer.build_head
build_response = writer.build_response
chunk = writer.chunk

__all__ = ["writer", "writer_py", "writer_c", "build_head", "build_response", "chunk"]
