# cython: annotation_typing=False
"""The per-request Context (Koa's ``ctx``): delegation, throw/assert, onerror."""
from __future__ import annotations

from operator import attrgetter
from typing import Any, Mapping, NoReturn, Optional

import orjson

from eggfast.errors import HttpError, InvalidHeaderError
from eggfast.http.hdrs import STATUS_REASONS
from eggfast.koa.body import close_body_soon, is_stream_body

__all__ = ["Context", "create_error"]


def create_error(*args: Any, **props: Any) -> BaseException:
    """An :class:`HttpError` from arguments in any order (like http-errors).

    An ``int`` is the status, a ``str`` the message, a mapping extra properties,
    and an exception is decorated (status, expose) and returned as-is.
    """
    status: Optional[int] = None
    message: Optional[str] = None
    base: Optional[BaseException] = None
    for arg in args:
        if isinstance(arg, BaseException):
            base = arg
        elif isinstance(arg, int) and not isinstance(arg, bool):
            status = arg
        elif isinstance(arg, str):
            message = arg
        elif isinstance(arg, Mapping):
            props = {**arg, **props}
    if base is not None:
        own = getattr(base, "status", None) or getattr(base, "status_code", None)
        if not isinstance(own, int) or not 400 <= own <= 599:
            own = status if isinstance(status, int) and 400 <= status <= 599 else 500
            try:
                base.status = own  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover - read-only attribute
                pass
        if not hasattr(base, "expose"):
            try:
                base.expose = own < 500  # type: ignore[attr-defined]
            except AttributeError:  # pragma: no cover
                pass
        for key, value in props.items():
            try:
                setattr(base, key, value)
            except AttributeError:  # pragma: no cover
                pass
        return base
    return HttpError(500 if status is None else status, message, **props)


class _Assert:
    """``ctx.assert_``: ``assert_(value, status, msg)`` plus http-assert's helpers."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: "Context") -> None:
        self._ctx = ctx

    def __call__(self, value: Any, status: Any = 500, msg: Optional[str] = None, **props: Any) -> None:
        if not value:
            self._ctx.throw(status, msg, **props)

    ok = __call__

    def equal(self, a: Any, b: Any, status: Any = 500, msg: Optional[str] = None, **props: Any) -> None:
        self(a == b, status, msg, **props)

    def not_equal(self, a: Any, b: Any, status: Any = 500, msg: Optional[str] = None, **props: Any) -> None:
        self(a != b, status, msg, **props)

    def strict_equal(self, a: Any, b: Any, status: Any = 500, msg: Optional[str] = None, **props: Any) -> None:
        self(a is b or (type(a) is type(b) and a == b), status, msg, **props)

    def not_strict_equal(self, a: Any, b: Any, status: Any = 500, msg: Optional[str] = None, **props: Any) -> None:
        self(not (a is b or (type(a) is type(b) and a == b)), status, msg, **props)

    deep_equal = equal
    not_deep_equal = not_equal


def _access(target: str, name: str, doc: str = "") -> property:
    getter = attrgetter(f"{target}.{name}")

    def fset(self: Any, value: Any) -> None:
        setattr(getattr(self, target), name, value)

    return property(getter, fset, doc=doc or f"``ctx.{target}.{name}``")


def _getter(target: str, name: str) -> property:
    return property(attrgetter(f"{target}.{name}"), doc=f"``ctx.{target}.{name}`` (read-only)")


def _method(target: str, name: str) -> Any:
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(getattr(self, target), name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = f"Context.{name}"
    call.__doc__ = f"``ctx.{target}.{name}(...)``"
    return call


def _describe(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return repr(value)


def error_after_head(ctx: Any, err: BaseException) -> bool:
    """Handle an error that came too late for an error response; True if it did.

    Once the head is sent (or the client is gone) the error is only emitted,
    marked ``err.header_sent``, and a body cut short is not made to look
    complete: the connection is dropped when the stream can, else ended.
    A ``ConnectionResetError`` on a stream that is no longer writable is the
    client's disconnect: it is handled without being emitted.
    """
    stream = ctx.response.stream
    if not stream.headers_sent and stream.writable:
        return False
    if not stream.writable and isinstance(err, ConnectionResetError):
        # The client closed the connection (the protocol raises this from a
        # body read or a write once it is gone): nobody to answer, and not
        # the application's error, so it is not emitted.
        return True
    try:
        err.header_sent = True  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover
        pass
    ctx.app.emit("error", err, ctx)
    if stream.writable:
        abort = getattr(stream, "abort", None)
        if abort is not None and stream.headers_sent:
            abort()
        else:
            stream.end()
    return True


class Context:
    """One request/response pair.  Built by the application for every request."""

    def __init__(self, app: Any, raw: Any, stream: Any) -> None:
        self.app = app
        self.req = raw
        self.raw = raw
        self.res = stream
        self.request = app.request_class(app, self, raw)
        self.response = app.response_class(app, self, stream)
        self.original_url = raw.target
        self.state: dict[str, Any] = {}
        self.params: dict[str, Any] = {}
        self.respond = True  # False: the handler wrote the response itself
        self.router_name: Optional[str] = None
        self.router_path: Optional[str] = None

    @property
    def logger(self) -> Any:
        """The app logger (the Egg layer replaces this with a request-bound one)."""
        override = getattr(self, "_logger", None)
        return override if override is not None else self.app.logger

    @logger.setter
    def logger(self, value: Any) -> None:
        self._logger = value

    # --- errors -----------------------------------------------------------

    def throw(self, *args: Any, **props: Any) -> NoReturn:
        """Raise an HTTP error: ``throw(404)``, ``throw(400, 'bad')``, ``throw('oops')`` (500).

        ``expose`` is ``status < 500``: only client errors show their message.
        """
        raise create_error(*args, **props)

    @property
    def assert_(self) -> _Assert:
        """``ctx.assert_(value, status, msg)`` throws when ``value`` is falsy."""
        return _Assert(self)

    def onerror(self, err: Any) -> None:
        """Turn an exception into the error response (Koa's default handler)."""
        if err is None:
            return
        if not isinstance(err, BaseException):
            err = Exception(f"non-error thrown: {_describe(err)}")

        response = self.response
        stream = response.stream
        if error_after_head(self, err):
            return

        self.app.emit("error", err, self)

        body = response._body
        if body is not None and is_stream_body(body):
            close_body_soon(body)  # it will not be sent

        # First unset every header set so far, then the error's own ones.
        response._headers.clear()
        extra = getattr(err, "headers", None)
        if isinstance(extra, Mapping) and extra:
            response.set(extra)

        status = getattr(err, "status", None)
        if not status:
            status = getattr(err, "status_code", None)
        if isinstance(err, FileNotFoundError):
            status = 404
        if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
            status = 500
        try:
            err.status = status  # type: ignore[attr-defined]
        except AttributeError:  # e.g. a read-only property
            pass

        reason = STATUS_REASONS.get(status, str(status))
        if getattr(err, "expose", False):
            msg = getattr(err, "message", None)
            if not isinstance(msg, str):
                msg = str(err)
        else:
            msg = reason
        body = msg.encode("utf-8", "surrogatepass")

        response._status = status
        response._message = None
        response._explicit_status = True
        response._body = msg
        response.type = "text"
        response.set("Content-Length", len(body))
        if self.raw.method == "HEAD":
            body = b""
        try:
            stream.send(status, reason, response.header_list(), body)
        except InvalidHeaderError:
            # The error's own headers were not sendable: answer without them.
            response._headers.clear()
            response.type = "text"
            response.set("Content-Length", len(msg.encode("utf-8", "surrogatepass")))
            stream.send(status, reason, response.header_list(), body)

    # --- misc -------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "request": self.request.to_json(),
            "response": self.response.to_json(),
            "app": getattr(self.app, "to_json", lambda: {})(),
            "original_url": self.original_url,
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.raw.method} {self.raw.target} {self.response.status}>"

    # --- delegation to the response ---------------------------------------

    status = _access("response", "status")
    message = _access("response", "message")
    @property
    def body(self) -> Any:
        """``ctx.response.body``: str, bytes, dict/list/dataclass (JSON), stream, or None."""
        return self.response.body

    @body.setter
    def body(self, value: Any) -> None:  # PERF: the hottest delegate, spelled out
        self.response.body = value

    length = _access("response", "length")
    type = _access("response", "type")
    last_modified = _access("response", "last_modified")
    etag = _access("response", "etag")
    header_sent = _getter("response", "header_sent")
    writable = _getter("response", "writable")

    attachment = _method("response", "attachment")
    redirect = _method("response", "redirect")
    vary = _method("response", "vary")
    flush_headers = _method("response", "flush_headers")

    # PERF: the header delegates middleware call on every request, spelled out
    # (a generic delegate takes *args/**kwargs and two getattr calls).
    def set(self, field: Any, value: Any = None) -> None:
        """``ctx.response.set(...)``: one header, or several from a mapping."""
        self.response.set(field, value)

    def append(self, field: str, value: Any) -> None:
        """``ctx.response.append(...)``."""
        self.response.append(field, value)

    def remove(self, field: str) -> None:
        """``ctx.response.remove(...)``."""
        self.response.remove(field)

    def has(self, field: str) -> bool:
        """``ctx.response.has(...)``."""
        return self.response.has(field)

    # --- delegation to the request ----------------------------------------

    accepts_languages = _method("request", "accepts_languages")
    accepts_encodings = _method("request", "accepts_encodings")
    accepts_charsets = _method("request", "accepts_charsets")
    accepts = _method("request", "accepts")

    def get(self, field: str) -> str:
        """``ctx.request.get(...)``: a request header, ``''`` when missing."""
        return self.request.get(field)

    is_ = _method("request", "is_")

    querystring = _access("request", "querystring")
    search = _access("request", "search")
    method = _access("request", "method")
    query = _access("request", "query")
    path = _access("request", "path")
    url = _access("request", "url")
    ip = _access("request", "ip")

    queries = _getter("request", "queries")
    idempotent = _getter("request", "idempotent")
    origin = _getter("request", "origin")
    href = _getter("request", "href")
    URL = _getter("request", "URL")
    subdomains = _getter("request", "subdomains")
    protocol = _getter("request", "protocol")
    host = _getter("request", "host")
    hostname = _getter("request", "hostname")
    header = _getter("request", "header")
    headers = _getter("request", "headers")
    secure = _getter("request", "secure")
    stale = _getter("request", "stale")
    fresh = _getter("request", "fresh")
    ips = _getter("request", "ips")
