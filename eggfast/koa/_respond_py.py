# cython: annotation_typing=False
"""Put a finished context's response on the stream (Koa's ``respond``)."""
from __future__ import annotations

import asyncio
import inspect
import types
from typing import Any

from eggfast.http.hdrs import EMPTY_STATUSES, LENGTH_STRINGS
from eggfast.koa.body import close_body, close_body_soon, is_stream_body, json_bytes

__all__ = ["respond", "respond_now", "close_body_soon", "CHUNK_SIZE"]

#: bytes read from a file object per write.
CHUNK_SIZE = 64 * 1024

_BYTES_TYPES = (bytes, bytearray, memoryview)


def _chunk_bytes(chunk: Any) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    if isinstance(chunk, str):
        return chunk.encode("utf-8")
    raise TypeError(f"a streamed body chunk must be bytes or str, not {type(chunk).__name__}")


async def _pipe(response: Any, stream: Any, body: Any) -> None:
    if not stream.headers_sent:
        stream.start(response.status, response.message, response.header_list())
    try:
        if hasattr(body, "__aiter__"):
            async for chunk in body:
                if not stream.writable:
                    break
                if chunk:
                    await stream.write(_chunk_bytes(chunk))
        elif isinstance(body, types.GeneratorType):
            for chunk in body:
                if not stream.writable:
                    break
                if chunk:
                    await stream.write(_chunk_bytes(chunk))
        else:  # a file object
            read = body.read
            while stream.writable:
                data = read(CHUNK_SIZE)
                if inspect.isawaitable(data):
                    data = await data
                if not data:
                    break
                await stream.write(_chunk_bytes(data))
    finally:
        await close_body(body)
    if stream.writable:
        stream.end()


async def _send(response: Any, stream: Any, data: bytes, *, head: bool = False, length: bool = True) -> None:
    """Send a complete response; Content-Length always states the real size."""
    if stream.headers_sent:  # flush_headers() already sent the head
        if data and not head:
            await stream.write(data)
        stream.end()
        return
    _send_whole(response, stream, data, head, length)


def _send_whole(response: Any, stream: Any, data: bytes, head: bool = False, length: bool = True) -> None:
    headers = response._headers
    if length and not head:
        if "transfer-encoding" in headers:
            del headers["transfer-encoding"]
        size = len(data)
        value = LENGTH_STRINGS[size] if size < 4096 else str(size)
        entry = headers.get("content-length")
        if entry is None:
            headers["content-length"] = ("Content-Length", value)
        elif entry[1] != value:  # PERF: a str body's setter has usually stated it already
            headers["content-length"] = (entry[0], value)
    stream.send(response._status, response.message, response.header_list(), b"" if head else data)


def respond_now(ctx: Any) -> bool:
    """The common case of :func:`respond` without a coroutine; False = use ``respond``.

    PERF: a str or dict/list body on a GET-like request, nothing sent yet,
    nothing to close: sent in one synchronous call, exactly as ``respond``
    would send it.
    """
    if ctx.respond is False:
        return False
    response = ctx.response
    stream = response.stream
    if stream.headers_sent or not stream.writable or response._dropped_stream is not None:
        return False
    body = response._body
    if response._status in EMPTY_STATUSES or ctx.request.method == "HEAD":
        return False
    kind = type(body)
    if kind is str:
        encoded = response._encoded
        data = encoded[1] if encoded is not None and encoded[0] is body else body.encode("utf-8", "surrogatepass")
    elif kind is dict or kind is list:
        data = json_bytes(body)
    else:
        return False
    _send_whole(response, stream, data)
    return True


async def respond(ctx: Any) -> None:
    """Write ``ctx``'s response: headers and body, in one write or streamed."""
    if ctx.respond is False:
        return
    response = ctx.response
    stream = response.stream
    if not stream.writable:
        return

    body = response.body
    status = response.status

    dropped = response._dropped_stream
    if dropped is not None:
        response._dropped_stream = None
        await close_body(dropped)

    if status in EMPTY_STATUSES:
        if body is not None and is_stream_body(body):
            await close_body(body)
        response.body = None
        # 204 and 304 carry no Content-Length; 205 says its (empty) length.
        if status == 205:
            response.set("Content-Length", "0")
        await _send(response, stream, b"", length=False)
        return

    if ctx.request.method == "HEAD":
        if not stream.headers_sent and not response.has("Content-Length"):
            if body is None and not response._explicit_null_body:
                # What GET would send: the status text as text/plain.
                text = response.message or str(status)
                response.type = "text"
                response.length = len(text.encode("utf-8"))
            else:
                size = response.length
                if size is not None:
                    response.length = size
        if body is not None and is_stream_body(body):
            await close_body(body)
        await _send(response, stream, b"", head=True)
        return

    if body is None:
        if response._explicit_null_body:
            response.remove("Content-Type")
            response.remove("Transfer-Encoding")
            await _send(response, stream, b"")
            return
        text = response.message or str(status)
        if not stream.headers_sent:
            response.type = "text"
        await _send(response, stream, text.encode("utf-8"))
        return

    if type(body) is str:
        encoded = response._encoded
        data = encoded[1] if encoded is not None and encoded[0] is body else body.encode("utf-8", "surrogatepass")
        if stream.headers_sent:
            await _send(response, stream, data)
        else:
            _send_whole(response, stream, data)
    elif isinstance(body, _BYTES_TYPES):
        await _send(response, stream, bytes(body) if not isinstance(body, bytes) else body)
    elif isinstance(body, str):
        await _send(response, stream, body.encode("utf-8", "surrogatepass"))
    elif type(body) is dict or type(body) is list:
        if stream.headers_sent:
            await _send(response, stream, json_bytes(body))
        else:
            _send_whole(response, stream, json_bytes(body))
    elif is_stream_body(body):
        await _pipe(response, stream, body)
    else:
        await _send(response, stream, json_bytes(body))
