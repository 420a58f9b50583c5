# cython: annotation_typing=False
"""Pure twin of the HTTP/1.1 connection protocol (httptools, strict mode).

One :class:`HttpProtocol` per connection.  It parses requests into
:class:`~eggfast.server.message.RawRequest` objects, queues pipelined ones (reading
pauses when the queue or the buffered body is full), runs the application
handler for one request at a time, and writes responses in order through a
:class:`ResponseWriter`.  Limits and timeouts come from
:class:`~eggfast.server.limits.ServerLimits`.
"""

import asyncio
import socket
import struct
from time import time as _wall_clock
from collections import deque
from email.utils import formatdate
from typing import Any, Awaitable, Callable, Optional

import httptools

try:
    from fcntl import ioctl as _ioctl
    from termios import TIOCOUTQ as _OUTQ  # = SIOCOUTQ on Linux: a socket's unsent + unacknowledged bytes
except ImportError:  # pragma: no cover - not POSIX
    _ioctl = None
    _OUTQ = 0

from eggfast.errors import HttpError, ProtocolError
from eggfast.http.hdrs import EMPTY_STATUSES, LENGTH_STRINGS, STATUS_REASONS
from eggfast.server.limits import ServerLimits
from eggfast.server.message import EMPTY_BODY
from eggfast.server._writer import build_head, build_response, chunk

Handler = Callable[["RawRequest", "ResponseWriter"], Awaitable[None]]

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

# What the connection's one timer is waiting for.
_NO_TIMER = 0
_IDLE = 1  # keep-alive idle: close silently
_HEAD = 2  # header deadline: 408 and close
_LINGER = 3  # draining after a half-close: close
_LAST_CHUNK = b"0\r\n\r\n"
_CRLF = b"\r\n"
# A body longer than this goes to the transport as it is, after its head
# (writelines: one writev with uvloop) instead of being copied behind the head
# into one new buffer.  Up to 64 KiB the copy takes a few microseconds, less
# than the second buffer costs the transport, and it keeps the one-buffer
# write; above it the copy grows with the body (time, and a second body-sized
# allocation) for nothing.  64 KiB is also the transports' default high-water
# mark and the file-streaming chunk size.
_COPY_MAX = 64 * 1024

# SO_LINGER on, zero seconds: closing the socket discards its unsent data (RST).
_LINGER_RESET = struct.pack("ii", 1, 0)
# The send deadline is checked this many times per send_timeout while writing is stuck.
_SEND_CHECKS = 4

_date_cache: list = [0, "", b"Date: \r\n"]
_CLOSE_LINE = b"Connection: close\r\n"
_KEEP_ALIVE_LINE = b"Connection: keep-alive\r\n"

# PERF: the lower-case str of common header names, keyed by the bytes a client
# sends (lower and Title-Case); others are decoded and lowered per header.
_COMMON_HEADERS = (
    "host", "user-agent", "accept", "accept-encoding", "accept-language", "connection",
    "content-type", "content-length", "cookie", "referer", "origin", "cache-control",
    "pragma", "authorization", "if-none-match", "if-modified-since", "x-forwarded-for",
    "x-forwarded-proto", "x-forwarded-host", "x-real-ip", "x-request-id", "upgrade-insecure-requests",
    "dnt", "te", "transfer-encoding", "expect", "upgrade", "range",
)


# Each common name as one shared str object, which _HEADER_KEYS also hands
# out: a "host" key is always _HOST_KEY, so an identity test counts Host lines.
_COMMON_KEYS: dict = {name: name for name in _COMMON_HEADERS}
_HOST_KEY: str = _COMMON_KEYS["host"]


def _header_keys() -> dict:
    """bytes as a client sends a common name (lower, Title-Case, upper acronyms) -> its shared lower-case str."""
    keys = {}
    for name in _COMMON_KEYS:
        keys[name.encode()] = name
        keys["-".join(part.capitalize() for part in name.split("-")).encode()] = name
    keys.update({b"X-Real-IP": _COMMON_KEYS["x-real-ip"], b"DNT": _COMMON_KEYS["dnt"], b"TE": _COMMON_KEYS["te"]})
    return keys


_HEADER_KEYS: dict = _header_keys()
# PERF: a name missing from the table is added once seen (browsers and proxies
# send a dozen more), so the next request skips its decode and lower-casing
# and inserts a str whose hash is already known.  Bounded: a client inventing
# names fills it once, and after that names are only computed.
_HEADER_KEYS_LIMIT = 1024
_LEARNED_NAME_MAX = 64


def header_keys_size() -> int:
    """How many header-name spellings the lookup table holds (tests read it)."""
    return len(_HEADER_KEYS)


# The same for request methods: the common ones come out as shared str objects.
_METHOD_NAMES: dict = {m.encode(): m for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")}
_GET_PREFIX = b"GET "


_V11_LINE_END = b" HTTP/1.1\r\n"
_V10_LINE_END = b" HTTP/1.0\r\n"


def version_at(data: bytes, end: int) -> Optional[str]:
    """``"1.1"`` or ``"1.0"`` when ``data`` holds `` HTTP/1.x\r\n`` at ``end``, else None."""
    if data.startswith(_V11_LINE_END, end):
        return "1.1"
    if data.startswith(_V10_LINE_END, end):
        return "1.0"
    return None


def request_line_version(data: bytes, method: bytes, url: bytes) -> Optional[str]:
    """``"1.1"`` or ``"1.0"`` when ``data`` opens with the request line
    ``method SP url SP HTTP/1.x CRLF``, else None (the parser decides).

    PERF: httptools formats the version into a new string per request; when
    a received chunk starts with the message, the parsed method and URL say
    where the version sits in it.  (The protocol's GET path checks only the
    ``GET `` prefix and the version: the URL holds no space, so a version
    found at that offset cannot belong to anything but this request line.)
    """
    start = len(method) + 1
    if not (data.startswith(method) and data.startswith(b" ", start - 1) and data.startswith(url, start)):
        return None
    return version_at(data, start + len(url))


def http_date() -> str:
    """The Date header value, recomputed at most once a second."""
    now = int(_wall_clock())
    if now != _date_cache[0]:
        value = formatdate(now, usegmt=True)
        _date_cache[0] = now
        _date_cache[1] = value
        _date_cache[2] = b"Date: " + value.encode("latin-1") + b"\r\n"
    return _date_cache[1]


def date_line() -> bytes:
    """``b"Date: ...\\r\\n"``, the same bytes for a whole second."""
    http_date()
    return _date_cache[2]


class RawRequest:
    """One parsed request head plus its (streamed) body.

    ``headers`` maps lower-case names to ``str`` values (latin-1 decoded);
    repeated headers are joined with ``", "`` (``"; "`` for ``cookie``), as
    Node does.  ``target`` is the raw request-target (path and query).
    """

    # The compiled twin makes this an extension type (eggfast/server/_protocol_c.pxd):
    # the protocol builds one per request.
    __slots__ = ("method", "target", "version", "headers", "peername", "sockname", "tls", "body", "keep_alive")

    def __init__(
        self,
        method: str,
        target: str,
        version: str,
        headers: dict[str, str],
        body: Any,
        peername: Optional[tuple] = None,
        sockname: Optional[tuple] = None,
        tls: bool = False,
        keep_alive: bool = True,
    ) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.peername = peername
        self.sockname = sockname
        self.tls = tls
        self.keep_alive = keep_alive


class BodyReader:
    """A request body as it arrives: ``await read()`` or ``async for chunk``."""

    def __init__(self, protocol: "HttpProtocol", expect_continue: bool, length: Optional[int] = None) -> None:
        self._protocol = protocol
        self.length = length  # the declared Content-Length, None when chunked
        self._chunks: deque = deque()
        self._buffered = 0
        self._complete = False
        self._error: Optional[BaseException] = None
        self._waiter: Optional[asyncio.Future] = None
        self._expect_continue = expect_continue
        self.received = 0

    @property
    def complete(self) -> bool:
        return self._complete

    # -- fed by the protocol --------------------------------------------
    def feed(self, data: bytes) -> None:
        self._chunks.append(data)
        self._buffered += len(data)
        self.received += len(data)
        self._wake()

    def feed_eof(self) -> None:
        self._complete = True
        self._wake()

    def set_error(self, exc: BaseException) -> None:
        if not self._complete:
            self._error = exc
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def buffered(self) -> int:
        return self._buffered

    # -- read by the application ----------------------------------------
    async def _wait(self) -> None:
        if self._expect_continue:
            self._expect_continue = False
            self._protocol.send_continue(self)
        self._protocol.body_wanted()
        waiter = self._waiter = self._protocol.loop.create_future()
        try:
            await asyncio.wait_for(waiter, self._protocol.limits.body_timeout)
        except asyncio.TimeoutError:
            raise HttpError(408, "Request body read timed out") from None
        finally:
            self._waiter = None

    async def _next_chunk(self) -> bytes:
        while not self._chunks:
            if self._error is not None:
                raise self._error
            if self._complete:
                return b""
            await self._wait()
        data = self._chunks.popleft()
        self._buffered -= len(data)
        self._protocol.body_consumed()
        return data

    async def read(self, limit: Optional[int] = None) -> bytes:
        """The whole body; more than ``limit`` bytes raises ``HttpError(413)``.

        Without ``limit`` the server's ``max_body_size`` (``config.server``,
        10 MiB by default; None: unbounded) is the limit, and the error
        names that key.  A declared Content-Length over the limit fails at
        once, before any byte is read (and before ``100 Continue`` is sent).
        Iterating over the body (``async for``) is not bounded.
        """
        source = ""
        if limit is None:
            limit = self._protocol.limits.max_body_size
            source = " (config.server.max_body_size)"
        if limit is not None and self.length is not None and self.length > limit:
            raise HttpError(413, f"Request body larger than {limit} bytes{source}")
        parts = []
        size = 0
        while True:
            data = await self._next_chunk()
            if not data:
                return b"".join(parts)
            size += len(data)
            if limit is not None and size > limit:
                raise HttpError(413, f"Request body larger than {limit} bytes{source}")
            parts.append(data)

    def __aiter__(self) -> "BodyReader":
        return self

    async def __anext__(self) -> bytes:
        data = await self._next_chunk()
        if not data:
            raise StopAsyncIteration
        return data


class ResponseWriter:
    """Writes one response on the connection (the ``ResponseStream`` interface)."""

    def __init__(self, protocol: "HttpProtocol", request: RawRequest) -> None:
        self._protocol = protocol
        self._request = request
        self._head_only = request.method == "HEAD"
        self._chunked = False
        self._no_body = False
        self.headers_sent = False
        self.finished = False
        self.keep_alive = request.keep_alive

    @property
    def writable(self) -> bool:
        return not self.finished and not self._protocol.closed

    def _head(self, status: int, reason: Optional[str], headers: list, length: Optional[int]) -> bytes:
        """Validate and serialize the head; framing headers are the server's business.

        ``length`` is the exact body length for :meth:`send`, or None for a
        streamed body (kept as the user's Content-Length if they set one,
        otherwise chunked on HTTP/1.1 or close-delimited on HTTP/1.0).
        """
        version = self._request.version
        no_body = self._head_only or status in EMPTY_STATUSES or status < 200
        out = []
        user_length = None
        for item in headers:
            name = item[0]
            n = len(name)
            # PERF: only names as long as a framing header's can be one (date 4,
            # connection 10, content-length 14, transfer-encoding 17).
            if n == 14 or n == 4 or n == 10 or n == 17:
                lname = name.lower()
                if lname == "content-length":
                    user_length = item
                    continue
                if lname == "transfer-encoding" or lname == "date":
                    continue
                if lname == "connection":
                    if str(item[1]).lower() == "close":
                        self.keep_alive = False
                    continue
            out.append(item)
        if length is not None:
            # A whole body: its real length wins; HEAD keeps the length the core computed.
            if self._head_only and user_length is not None:
                out.append(user_length)
            elif status not in EMPTY_STATUSES and status >= 200:
                out.append(("Content-Length", LENGTH_STRINGS[length] if length < 4096 else str(length)))
        elif user_length is not None and not no_body:
            out.append(user_length)
        elif self._head_only and user_length is not None:
            out.append(user_length)
        elif not no_body:
            if version == "1.1":
                out.append(("Transfer-Encoding", "chunked"))
                self._chunked = True
            else:
                self.keep_alive = False
        self._no_body = no_body
        return build_response(version, status, reason, out, self._server_lines())

    def _server_lines(self) -> bytes:
        """The head's last lines, the server's own: Date, and Connection when it must be said."""
        if not self._protocol.may_keep_alive() or not self._request.body.complete:
            # An unread request body cannot be skipped safely: answer, then close.
            self.keep_alive = False
        lines = date_line()
        if not self.keep_alive:
            return lines + _CLOSE_LINE
        if self._request.version == "1.0":
            return lines + _KEEP_ALIVE_LINE
        return lines

    def _send_whole(self, status: int, reason: Optional[str], headers: list, body: bytes) -> bool:
        """Send a whole response with a body when ``headers`` can go out as given; True if sent.

        PERF: the usual response (from ``respond``) already states its exact
        Content-Length and holds no other framing header; then the head is
        written straight from ``headers`` plus the server's lines, body
        included, in one buffer (a body over ``_COPY_MAX`` follows it
        uncopied).  False: :meth:`_head` decides (same bytes for everything
        else).
        """
        if self._head_only or type(status) is not int or status < 200 or status in EMPTY_STATUSES:
            return False
        if type(headers) is not list or type(body) is not bytes:
            return False
        size = len(body)
        expected = LENGTH_STRINGS[size] if size < 4096 else str(size)
        stated = False
        for item in headers:
            if type(item) is not tuple or len(item) != 2:
                return False
            name = item[0]
            if type(name) is not str:
                return False
            n = len(name)
            if n == 14 or n == 4 or n == 10 or n == 17:
                if name == "Content-Length" and not stated and item[1] == expected:
                    stated = True
                    continue
                lname = name.lower()
                if lname == "content-length" or lname == "transfer-encoding" or lname == "date" or lname == "connection":
                    return False
        if not stated:
            return False
        if size <= _COPY_MAX:
            data = build_response(self._request.version, status, reason, headers, self._server_lines(), body)
            self.headers_sent = True
            self.finished = True
            self._protocol.write(data)
        else:
            head = build_response(self._request.version, status, reason, headers, self._server_lines())
            self.headers_sent = True
            self.finished = True
            self._protocol.writelines((head, body))
        return True

    def send(self, status: int, reason: Optional[str], headers: list, body: bytes) -> None:
        """A whole response: its head and body in one write (a large body uncopied, after the head)."""
        if self.headers_sent:
            raise RuntimeError("response head already sent")
        if self._send_whole(status, reason, headers, body):
            return
        head = self._head(status, reason, headers, len(body))
        self.headers_sent = True
        self.finished = True
        if self._no_body or not body:
            self._protocol.write(head)
        elif len(body) > _COPY_MAX:
            self._protocol.writelines((head, body))
        else:
            self._protocol.write(head + body)

    def start(self, status: int, reason: Optional[str], headers: list) -> None:
        """Send the head of a streamed response (chunked unless a length was set)."""
        if self.headers_sent:
            raise RuntimeError("response head already sent")
        head = self._head(status, reason, headers, None)
        self.headers_sent = True
        self._protocol.write(head)

    async def write(self, data: bytes) -> None:
        """Send one body chunk; waits while the client is slow to read."""
        if not self.headers_sent:
            raise RuntimeError("write() before start()")
        if self.finished:
            raise RuntimeError("write() after end()")
        if self._protocol.closed:
            raise ConnectionResetError("client closed the connection")
        if self._no_body or not data:
            return
        if not self._chunked:
            self._protocol.write(data)
        elif len(data) > _COPY_MAX:
            self._protocol.writelines((b"%x\r\n" % len(data), data, _CRLF))
        else:
            self._protocol.write(chunk(data))
        await self._protocol.drain()

    def end(self) -> None:
        """Finish a streamed response."""
        if self.finished:
            return
        self.finished = True
        if self._chunked:
            self._protocol.write(_LAST_CHUNK)

    def abort(self) -> None:
        """Give up on a started response: the connection is closed."""
        self.finished = True
        self.keep_alive = False


class HttpProtocol:
    """One HTTP/1.1 connection (an asyncio protocol: asyncio only needs its methods)."""

    def __init__(self, handler: Handler, loop: asyncio.AbstractEventLoop, limits: ServerLimits, tracker: Any = None) -> None:
        self.handler = handler
        self.loop = loop
        self.limits = limits
        self.tracker = tracker
        self.transport: Optional[asyncio.Transport] = None
        self.closed = False
        self._parser = httptools.HttpRequestParser(self)
        # PERF: a list, not a deque: at most max_pipelined (16) items, and the
        # compiled twin turns append/pop(0)/len on a typed list into C calls.
        self._queue: list = []
        self._task: Optional[asyncio.Task] = None  # the serving task, parked when idle
        self._idle_waiter: Optional[asyncio.Future] = None
        self._busy = False  # a request is being answered
        self._current_writer: Optional[ResponseWriter] = None
        self._current_body: Optional[BodyReader] = None
        self._peername = None
        self._sockname = None
        self._tls = False
        self._reading_paused = False
        self._writing_paused = False
        self._drain_waiter: Optional[asyncio.Future] = None
        # The send deadline (see _watch_send): armed only while written data is stuck.
        self._send_timer: Optional[asyncio.TimerHandle] = None
        self._send_left = 0
        self._send_moved_at = 0.0
        self._send_timeout = limits.send_timeout
        # One lazily re-armed timer per connection serves every deadline (see _arm).
        self._timer: Optional[asyncio.TimerHandle] = None
        self._timer_kind = _NO_TIMER
        self._deadline = 0.0
        self._timer_when = 0.0
        self._in_head = False
        self._error: Optional[ProtocolError] = None
        self._stop_parsing = False
        self._closing = False  # graceful shutdown requested: finish and close
        self._lingering = False
        # per-message scratch
        self._url = b""
        self._headers: dict = {}
        self._header_count = 0
        self._head_size = 0
        self._head_bytes = 0
        self._host_count = 0
        # PERF: the limits read for every header, copied once as plain ints.
        self._max_headers = limits.max_headers
        self._max_header_size = limits.max_header_size
        self._max_request_line = limits.max_request_line
        self._max_head_bytes = limits.max_header_size + limits.max_request_line + 1024
        self._max_pipelined = limits.max_pipelined
        self._header_timeout = limits.header_timeout
        self._keep_alive_timeout = limits.keep_alive_timeout
        # A received chunk that began with a message: its request line is read
        # from it (method, version) instead of asking httptools for them.
        self._line_start: Optional[bytes] = None

    # -- connection lifecycle ---------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._peername = transport.get_extra_info("peername")
        self._sockname = transport.get_extra_info("sockname")
        self._tls = transport.get_extra_info("sslcontext") is not None
        if self.tracker is not None:
            self.tracker.add(self)
        self._arm(_IDLE, self.limits.keep_alive_timeout)

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.closed = True
        self._cancel_timers()
        if self._send_timer is not None:
            self._send_timer.cancel()
            self._send_timer = None
        if self.tracker is not None:
            self.tracker.discard(self)
        if self._current_body is not None:
            self._current_body.set_error(ConnectionResetError("client closed the connection"))
        for item in self._queue:
            if isinstance(item, RawRequest):
                item.body.set_error(ConnectionResetError("client closed the connection"))
        self._queue.clear()
        if self._task is not None and not self._task.done() and not self._read_fails():
            self._task.cancel()
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionResetError("client closed the connection"))

    def eof_received(self) -> bool:
        if self._lingering:
            self._close()
            return False
        body = self._current_body
        if body is not None:
            # EOF inside a request body: it can never be complete.
            return self._body_cut_off(body)
        # Half-close from the client: answer what is queued, then close.
        self._closing = True
        if not self._busy and not self._queue:
            self._close()
        return True

    def _body_cut_off(self, body: BodyReader) -> bool:
        """The client ended its side in the middle of ``body``: the request ends now.

        A request still queued is dropped, and the ones before it are answered
        before the close.  If the body's request is being served, the connection
        closes at once: its handler's read raises ConnectionResetError (see
        :meth:`_read_fails`), or the handler is cancelled.
        """
        self._current_body = None
        self._stop_parsing = True
        self._closing = True
        body.set_error(ConnectionResetError("client closed the connection"))
        queue = self._queue
        if queue and isinstance(queue[-1], RawRequest) and queue[-1].body is body:
            queue.pop()  # not started yet
            if self._busy or queue:
                return True  # answer what came before, then close
        self._close()
        return False

    def _read_fails(self) -> bool:
        """Whether the handler waits in a body read that the disconnect error will end.

        Such a handler learns of the disconnect from its read, which raises
        ConnectionResetError, instead of being cancelled.
        """
        writer = self._current_writer
        if writer is None:
            return False
        body = writer._request.body
        return isinstance(body, BodyReader) and body._waiter is not None and body._error is not None

    def pause_writing(self) -> None:
        self._writing_paused = True
        self._watch_send()

    def resume_writing(self) -> None:
        self._writing_paused = False
        timer = self._send_timer
        if timer is not None and not self.closed:  # after _close it watches the flush
            timer.cancel()
            self._send_timer = None
        waiter = self._drain_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def drain(self) -> None:
        if self.closed:
            raise ConnectionResetError("client closed the connection")
        if self._writing_paused:
            self._drain_waiter = self.loop.create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None

    def write(self, data: bytes) -> None:
        if not self.closed:
            self.transport.write(data)  # type: ignore[union-attr]

    def writelines(self, parts: tuple) -> None:
        """Write ``parts`` in order, without joining them (uvloop: one writev)."""
        if not self.closed:
            self.transport.writelines(parts)  # type: ignore[union-attr]

    def _close(self) -> None:
        if not self.closed and self.transport is not None:
            self.closed = True
            self._cancel_timers()
            self.transport.close()
            # close() waits for unsent data to go out: bound that wait too.
            if self._send_timer is None and self.transport.get_write_buffer_size():
                self._watch_send()

    # -- the send deadline ----------------------------------------------------
    # Armed when writing pauses (the transport's buffer is over its high-water
    # mark) or a close waits on unsent data; never on the usual request path.
    # The data must move: fewer unsent bytes (see _unsent) is progress, and no
    # progress for send_timeout aborts the connection, which cancels the handler.
    def _watch_send(self) -> None:
        if self._send_timer is not None or self.transport is None:
            return
        self._send_left = self._unsent()
        self._send_moved_at = self.loop.time()
        self._send_timer = self.loop.call_later(self._send_timeout / _SEND_CHECKS, self._check_send)

    def _unsent(self) -> int:
        """Bytes written that the client has not taken yet: the transport's buffer, plus
        the socket's send queue where the OS tells (Linux), so that a client reading
        slowly out of a large kernel buffer counts as progress."""
        transport = self.transport
        left = transport.get_write_buffer_size()  # type: ignore[union-attr]
        sock = transport.get_extra_info("socket")  # type: ignore[union-attr]
        if sock is not None and _ioctl is not None:
            try:
                left += struct.unpack("i", _ioctl(sock.fileno(), _OUTQ, b"\0\0\0\0"))[0]
            except (OSError, ValueError, AttributeError):
                pass
        return left

    def _check_send(self) -> None:
        self._send_timer = None
        if not self._writing_paused and not self.closed:
            return
        if self.transport.get_write_buffer_size() == 0:  # type: ignore[union-attr]
            return  # nothing is held back any more
        left = self._unsent()
        now = self.loop.time()
        if left < self._send_left:
            self._send_left = left
            self._send_moved_at = now
        elif now - self._send_moved_at >= self._send_timeout:
            self._abort()
            return
        self._send_timer = self.loop.call_later(self._send_timeout / _SEND_CHECKS, self._check_send)

    def _abort(self) -> None:
        """Drop the connection now, unsent data included: the client stopped reading."""
        transport = self.transport
        self.closed = True
        self._cancel_timers()
        sock = transport.get_extra_info("socket")  # type: ignore[union-attr]
        if sock is not None:
            try:
                # A reset frees the kernel's send queue too, instead of leaving an orphan to flush.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
            except (OSError, AttributeError, ValueError):
                pass
        transport.abort()  # type: ignore[union-attr]

    # -- timers ---------------------------------------------------------------
    # PERF: arming a timer per request (header deadline, then keep-alive idle)
    # costs two TimerHandles and two cancels.  Instead one timer per
    # connection is re-armed only when it fires early or a nearer deadline
    # comes up; under steady keep-alive traffic that is once per timeout.
    def _arm(self, kind: int, delay: float) -> None:
        if self.closed:
            return
        deadline = self.loop.time() + delay
        self._timer_kind = kind
        self._deadline = deadline
        timer = self._timer
        if timer is not None:
            if self._timer_when <= deadline:
                return
            timer.cancel()
        self._timer_when = deadline
        self._timer = self.loop.call_at(deadline, self._on_timer)

    def _disarm(self, kind: int) -> None:
        if self._timer_kind == kind:
            self._timer_kind = _NO_TIMER

    def _cancel_timers(self) -> None:
        self._timer_kind = _NO_TIMER
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        kind = self._timer_kind
        if kind == _NO_TIMER or self.closed:
            return
        if self._deadline - self.loop.time() > 0.001:
            self._timer_when = self._deadline
            self._timer = self.loop.call_at(self._deadline, self._on_timer)
            return
        self._timer_kind = _NO_TIMER
        if kind == _IDLE:
            if not self._busy and not self._queue and not self._in_head:
                self._close()
        elif kind == _HEAD:
            if self._in_head:
                self._fail(ProtocolError(408, "Request Timeout"))
        else:
            self._close()

    # -- reading ----------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        if self._lingering or self._stop_parsing:
            return
        if self._timer_kind == _IDLE:
            self._timer_kind = _NO_TIMER
        if not self._in_head and self._current_body is None:
            self._line_start = data  # the chunk starts a message (or blank lines before one)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # No protocol upgrades (WebSocket, CONNECT tunnels): answer the request, then close.
            self._stop_parsing = True
            self._closing = True
        except httptools.HttpParserError:
            error = self._error or ProtocolError(400, "Bad Request")
            self._error = None
            self._fail(error)
            return
        if self._in_head:
            # PERF: a head that arrives whole never needs its deadline timer;
            # one left incomplete gets it now, counted from this chunk.
            if self._timer_kind != _HEAD:
                self._arm(_HEAD, self._header_timeout)
            # httptools buffers a header line until it ends; bound what it may hold.
            self._head_bytes += len(data)
            if self._head_bytes > self._max_head_bytes:
                self._fail(ProtocolError(431, "Request Header Fields Too Large"))

    def _fail(self, error: ProtocolError) -> None:
        """Stop parsing; answer ``error`` once every earlier request is answered, then close."""
        self._stop_parsing = True
        self._in_head = False
        self._disarm(_HEAD)
        body = self._current_body
        if body is not None:
            # The error is inside a message whose head was already accepted.
            self._current_body = None
            if self._queue and self._queue[-1].body is body:
                self._queue.pop()  # not started yet: the protocol error is its answer
            else:
                # Being served: its handler sees the failure when it reads the body.
                body.set_error(HttpError(error.status, "Malformed request body"))
                self._closing = True
                self._pause_reading()
                return
        self._queue.append(error)
        self._pause_reading()
        self._run_next()

    # httptools callbacks
    def on_message_begin(self) -> None:
        self._in_head = True
        self._url = b""
        self._headers = {}
        self._header_count = 0
        self._head_size = 0
        self._head_bytes = 0
        self._host_count = 0
        # The header deadline is armed by data_received once the chunk is
        # parsed, and only if the head is still incomplete by then.

    def on_url(self, url: bytes) -> None:
        self._url += url
        if len(self._url) > self._max_request_line:
            self._error = ProtocolError(414, "URI Too Long")
            raise self._error

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_size += len(name) + len(value) + 4
        if self._header_count > self._max_headers or self._head_size > self._max_header_size:
            self._error = ProtocolError(431, "Request Header Fields Too Large")
            raise self._error
        key = _HEADER_KEYS.get(name)
        if key is None:
            key = name.decode("latin-1").lower()
            key = _COMMON_KEYS.get(key, key)  # an odd spelling of a common name: its shared str
            if len(name) <= _LEARNED_NAME_MAX and len(_HEADER_KEYS) < _HEADER_KEYS_LIMIT:
                _HEADER_KEYS[name] = key
        text = value.decode("latin-1")
        headers = self._headers
        if key is _HOST_KEY:  # every key equal to "host" is this one object (see above)
            self._host_count += 1
        if key in headers:
            headers[key] = headers[key] + ("; " if key == "cookie" else ", ") + text
        else:
            headers[key] = text

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm(_HEAD)
        parser = self._parser
        line = self._line_start
        self._line_start = None  # later messages of the same chunk ask the parser
        if line is not None and line.startswith(_GET_PREFIX):
            method_name = "GET"
            version = version_at(line, len(_GET_PREFIX) + len(self._url))
        else:
            method = parser.get_method()
            method_name = _METHOD_NAMES.get(method)
            if method_name is None:
                method_name = method.decode("latin-1")
            version = None if line is None else request_line_version(line, method, self._url)
        if version is None:
            version = parser.get_http_version()
        if version != "1.1" and version != "1.0":
            self._error = ProtocolError(505, "HTTP Version Not Supported")
            raise self._error
        if version == "1.1" and self._host_count != 1:
            self._error = ProtocolError(400, "Bad Request")
            raise self._error
        headers = self._headers
        expect = headers.get("expect")
        if expect is not None and expect.lower() != "100-continue":
            self._error = ProtocolError(417, "Expectation Failed")
            raise self._error
        length = headers.get("content-length")
        if length is not None or "transfer-encoding" in headers:
            if version == "1.0" and "transfer-encoding" in headers:
                # RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing.
                self._error = ProtocolError(400, "Bad Request")
                raise self._error
            # httptools has checked Content-Length: digits only, and not with chunked.
            body = BodyReader(self, expect is not None and version == "1.1", None if length is None else int(length))
            self._current_body = body
        else:
            body = EMPTY_BODY  # no framing headers: no body, nothing to allocate
            self._current_body = None
        request = RawRequest(
            method_name,
            self._url.decode("latin-1"),
            version,
            headers,
            body,
            self._peername,
            self._sockname,
            self._tls,
            parser.should_keep_alive(),
        )
        self._queue.append(request)
        if len(self._queue) >= self._max_pipelined:
            self._pause_reading()
        self._run_next()

    def on_body(self, data: bytes) -> None:
        body = self._current_body
        if body is not None:
            body.feed(data)
            if body.buffered > self.limits.body_buffer:
                self._pause_reading()

    def on_message_complete(self) -> None:
        if self._current_body is not None:
            self._current_body.feed_eof()
            self._current_body = None

    # -- flow control -------------------------------------------------------
    def _pause_reading(self) -> None:
        if not self._reading_paused and not self.closed:
            self._reading_paused = True
            self.transport.pause_reading()  # type: ignore[union-attr]

    def _maybe_resume_reading(self) -> None:
        if (
            self._reading_paused
            and not self._stop_parsing
            and not self.closed
            and len(self._queue) < self._max_pipelined
            and (self._current_body is None or self._current_body.buffered <= self.limits.body_buffer)
        ):
            self._reading_paused = False
            self.transport.resume_reading()  # type: ignore[union-attr]

    def body_wanted(self) -> None:
        self._maybe_resume_reading()

    def body_consumed(self) -> None:
        if self._reading_paused:
            self._maybe_resume_reading()

    def send_continue(self, body: BodyReader) -> None:
        """Answer ``Expect: 100-continue`` when the handler first reads the body."""
        writer = self._current_writer
        if writer is not None and writer._request.body is body and not writer.headers_sent and not self.closed:
            self.write(_CONTINUE)

    # -- running requests ---------------------------------------------------
    def _run_next(self) -> None:
        """Wake the connection's serving task; it answers queued requests in order."""
        if self.closed:
            return
        if self._task is None:
            self._task = self.loop.create_task(self._serve_queue())
        else:
            waiter = self._idle_waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)

    async def _serve_queue(self) -> None:
        # PERF: one task per connection, parked on a future between requests,
        # instead of a new Task (and its WeakSet registration) per request.
        queue = self._queue
        try:
            while not self.closed:
                if not queue:
                    self._busy = False
                    if self._closing:
                        self._close()
                        return
                    self._arm(_IDLE, self._keep_alive_timeout)
                    self._maybe_resume_reading()
                    waiter = self._idle_waiter = self.loop.create_future()
                    try:
                        await waiter
                    finally:
                        self._idle_waiter = None
                    continue
                self._busy = True
                item = queue.pop(0)
                if not isinstance(item, RawRequest):  # a ProtocolError queued in its turn
                    self._send_error(item)
                    return
                writer = ResponseWriter(self, item)
                self._current_writer = writer
                self._maybe_resume_reading()
                # PERF: the handler is awaited here, not through a helper
                # coroutine: one coroutine fewer per request.
                try:
                    await self.handler(item, writer)
                except asyncio.CancelledError:
                    writer.finished = True
                    writer.keep_alive = False
                    if not self.closed:
                        raise
                    self._current_writer = None
                    return
                except Exception:  # the application handler is expected to catch everything
                    if not writer.headers_sent:
                        self._internal_error(writer)
                    else:
                        writer.abort()
                if not writer.finished:
                    # The handler returned without ending a response it started.
                    writer.abort()
                self._current_writer = None
                if self.closed:
                    return
                if not writer.keep_alive or (self._closing and not queue):
                    if item.body.complete:
                        self._close()
                    else:
                        self._linger()
                    return
                if not item.body.complete:
                    # Keep-alive with an unread body: its rest is not a new request.
                    self._linger()
                    return
        finally:
            self._busy = False
            self._task = None

    def _send_error(self, error: ProtocolError) -> None:
        body = error.reason.encode("latin-1")
        head = build_head(
            "1.1",
            error.status,
            error.reason,
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), ("Date", http_date()), ("Connection", "close")],
        )
        self.write(head + body)
        self._close()

    def _internal_error(self, writer: ResponseWriter) -> None:
        writer.send(500, None, [("Content-Type", "text/plain; charset=utf-8")], STATUS_REASONS[500].encode())

    def may_keep_alive(self) -> bool:
        """Whether the connection may stay open after the current response."""
        # After a parse error the queued error response follows, and it closes.
        return not self._closing and (not self._stop_parsing or bool(self._queue))

    def _linger(self) -> None:
        """Half-close, then discard input briefly so the client reads our response."""
        if self.closed:
            return
        self._lingering = True
        self._queue.clear()
        self._maybe_resume_reading_for_linger()
        try:
            if self.transport.can_write_eof():  # type: ignore[union-attr]
                self.transport.write_eof()  # type: ignore[union-attr]
        except (OSError, RuntimeError):
            self._close()
            return
        self._arm(_LINGER, self.limits.linger_timeout)

    def _maybe_resume_reading_for_linger(self) -> None:
        if self._reading_paused and not self.closed:
            self._reading_paused = False
            self.transport.resume_reading()  # type: ignore[union-attr]

    # -- graceful shutdown --------------------------------------------------
    def shutdown(self) -> None:
        """Stop taking requests: close now if idle, else after the current response."""
        self._closing = True
        if not self._busy and not self._queue and not self._in_head:
            self._close()

    @property
    def idle(self) -> bool:
        return not self._busy and not self._queue
