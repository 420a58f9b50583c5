"""Selector for the response-head writer."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import _speedups
from . import _writer_py as writer_py

if TYPE_CHECKING:
    writer = writer_py
    writer_c = None
else:
    def _load():
        from . import _writer_c

        return _writer_c

    writer, writer_c = _speedups.select("writer", writer_py, _load)

build_head = writer.build_head
build_response = writer.build_response
chunk = writer.chunk

__all__ = ["writer", "writer_py", "writer_c", "build_head", "build_response", "chunk"]
