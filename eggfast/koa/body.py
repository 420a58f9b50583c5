"""What a response body can be, shared by both twins of the core.

JSON encoding, telling a streamed body (async iterable, generator, file
object) from a whole one, and releasing a streamed body that will not be
sent.  Not a hot path: these run once per response at most, on the paths
that need them.
"""
from __future__ import annotations

import asyncio
import inspect
import types
from typing import Any

import orjson

__all__ = ["json_bytes", "is_stream_body", "close_body", "close_body_soon"]


def json_bytes(value: Any) -> bytes:
    """A body value as compact JSON (like ``JSON.stringify``); dataclasses included."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def is_stream_body(value: Any) -> bool:
    """True for bodies sent chunk by chunk: async iterables, generators, file objects."""
    if isinstance(value, (str, bytes, bytearray, memoryview, dict, list, tuple)):
        return False
    if hasattr(value, "__aiter__") or isinstance(value, types.GeneratorType):
        return True
    read = getattr(value, "read", None)
    return callable(read)


async def close_body(body: Any) -> None:
    """Release a streamed body: close files, finalise generators."""
    closer = getattr(body, "aclose", None)
    if closer is None:
        closer = getattr(body, "close", None)
    if closer is None:
        return
    result = closer()
    if inspect.isawaitable(result):
        await result


def close_body_soon(body: Any) -> None:
    """Release a streamed body from synchronous code (the error paths).

    ``close()`` runs now; an async ``close()`` or an async generator's
    ``aclose()`` is scheduled on the running loop.
    """
    closer = getattr(body, "close", None)
    if closer is None:
        closer = getattr(body, "aclose", None)
    if closer is None:
        return
    try:
        result = closer()
        if inspect.isawaitable(result):
            asyncio.ensure_future(result)
    except Exception:  # pragma: no cover - a broken close() must not hide the error
        pass
