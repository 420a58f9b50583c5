"""Koa's Application: ``use()`` middleware, compose once, serve HTTP/1.1."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Optional

from eggfast.twins import select
from eggfast.koa._compose import compose as default_compose
from eggfast.attrdict import AttrDict, deep_merge
from eggfast.defaults import KOA as KOA_DEFAULTS
from eggfast.errors import ConfigError, error_status
from eggfast.http.cookies import CookiesProperty, Keygrip
from eggfast.events import EventEmitter
from eggfast.server.limits import ServerLimits
from eggfast.server._protocol import RawRequest
from eggfast.server.message import EmptyBody
from eggfast.server import Server, new_event_loop

Middleware = Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]

_current_context: contextvars.ContextVar = contextvars.ContextVar("eggfast_current_context", default=None)

#: Koa/Egg defaults for the settings the core reads (research/egg-features.md §1.1).
class Application(EventEmitter):
    """A Koa-style application.

    >>> app = Application()
    >>> async def hello(ctx, next):
    ...     ctx.body = "Hello"
    >>> app.use(hello)  # doctest: +ELLIPSIS
    <eggfast.koa.application.Application object at ...>

    ``app.listen(7001)`` serves until SIGINT/SIGTERM; inside a running loop use
    ``server = await app.create_server(host, port)``.  Events: ``error``
    ``(err, ctx)``, ``request`` ``(ctx)``, ``response`` ``(ctx)``, ``server``
    ``(server)``.  ``compose`` and ``context_twin`` may be injected (tests and
    benchmarks pass a specific twin: ``context_twin`` is
    ``eggfast.twins.select("context").pure`` or ``.compiled``, the namespace of
    the context/request/response/respond modules).
    """

    def __init__(
        self,
        config: Optional[dict] = None,
        *,
        compose: Optional[Callable[[list], Any]] = None,
        silent: bool = False,
        logger: Optional[logging.Logger] = None,
        context_twin: Any = None,
    ) -> None:
        super().__init__()
        self.config = AttrDict(deep_merge(deep_merge({}, KOA_DEFAULTS), config or {}))
        self.middleware: list[Middleware] = []
        self.silent = silent
        self.logger = logger or logging.getLogger("eggfast.app")
        self.core_logger = logging.getLogger("eggfast.core")
        self.controller = SimpleNamespace()
        self.context_twin = core = context_twin or select("context").active
        self.context_class: type = type("Context", (core.context.Context,), {"cookies": CookiesProperty()})
        self.request_class: type = type("Request", (core.request.Request,), {})
        self.response_class: type = type("Response", (core.response.Response,), {})
        self._respond = core.respond.respond
        self._respond_now = core.respond.respond_now
        self._compose = compose or default_compose
        self._router = None
        self._fn: Optional[Callable[..., Awaitable[Any]]] = None
        self._background: set = set()
        self.server: Optional[Server] = None

    # -- Koa API ----------------------------------------------------------------
    @property
    def env(self) -> str:
        return self.config.env

    @property
    def keys(self) -> list[str]:
        """``config.keys`` as a list (comma-separated in config); signs and seals cookies."""
        keys = self.config.get("keys") or ""
        if isinstance(keys, str):
            keys = [k.strip() for k in keys.split(",")]
        keys = [k for k in keys if k]
        if not keys:
            raise ConfigError("Please set config.keys first: add keys = \"<secret>\" (comma-separated, newest "
                              "first) to config/config.default.py or Application(config={\"keys\": ...})")
        return keys

    @property
    def keygrip(self) -> Keygrip:
        """Signs and seals cookies with :attr:`keys` (made once, when first needed)."""
        keygrip = self.__dict__.get("_keygrip")
        if keygrip is None:
            keygrip = self.__dict__["_keygrip"] = Keygrip(self.keys)
        return keygrip

    @property
    def router(self) -> Any:
        """The app's router (created on first use, mounted after all middleware)."""
        if self._router is None:
            from eggfast.router import Router

            self._router = Router(self)
        return self._router

    def use(self, fn: Middleware) -> "Application":
        """Append a middleware ``async (ctx, next)``; returns the app for chaining."""
        if not callable(fn):
            raise TypeError("middleware must be a function!")
        if self._fn is not None:
            raise RuntimeError("Cannot add middleware after the application has started")
        self.middleware.append(fn)
        return self

    def callback(self) -> Callable[[RawRequest, Any], Awaitable[None]]:
        """Compose the middleware (once) and return the request handler."""
        if self._fn is None:
            stack = list(self.middleware)
            if self._router is not None:
                self._router.freeze()
                stack.append(self._router.routes())
            self._fn = self._compose(stack)
        return self.handler

    @property
    def current_context(self) -> Any:
        """The Context of the request being handled in this task, or None."""
        return _current_context.get()

    async def handler(self, raw: RawRequest, stream: Any) -> None:
        """Serve one request: run the middleware, then respond (or answer the error)."""
        fn = self._fn
        if fn is None:
            self.callback()
            fn = self._fn
        ctx = self.context_class(self, raw, stream)
        token = _current_context.set(ctx)
        listeners = self._listeners
        try:
            # PERF: an app with other listeners ("error", "server" …) skips these emits.
            if listeners and "request" in listeners:
                self.emit("request", ctx)
            try:
                await fn(ctx)
                if not self._respond_now(ctx):
                    await self._respond(ctx)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                ctx.onerror(err)
            if listeners and "response" in listeners:
                self.emit("response", ctx)
        finally:
            _current_context.reset(token)

    def emit(self, event: str, *args: Any) -> bool:
        if event == "error" and not self.listener_count("error"):
            self.onerror(*args)
            return False
        return super().emit(event, *args)

    def onerror(self, err: BaseException, ctx: Any = None) -> None:
        """Default ``error`` handling: log unless 404, exposed, or ``silent``.

        A 5xx is logged at ERROR with its traceback; a client error (< 500) as
        one WARN line without it (see :func:`eggfast.logger.log_request_error`).
        """
        if self.silent or getattr(err, "status", None) == 404 or getattr(err, "expose", False):
            return
        status = error_status(err)
        if status < 500:
            from eggfast.logger.context_logger import log_request_error

            log_request_error(self.logger, err, status, ctx)
            return
        where = f" ({ctx.method} {ctx.url})" if ctx is not None else ""
        self.logger.error("Unhandled error%s: %s", where, err, exc_info=err)

    # -- serving ------------------------------------------------------------------
    @property
    def limits(self) -> ServerLimits:
        """Server limits and timeouts from ``config.server``."""
        return ServerLimits.from_config(self.config.get("server"))

    async def create_server(self, host: str = "127.0.0.1", port: int = 7001, **kwargs: Any) -> Server:
        """Start serving inside the running loop; returns the :class:`Server`."""
        server = Server(self.callback(), self.limits, kwargs.pop("protocol_class", None))
        await server.start(host, port, **kwargs)
        self.server = server
        self.emit("server", server)
        return server

    def listen(self, port: int = 7001, host: str = "127.0.0.1", **kwargs: Any) -> None:
        """Serve on ``host:port`` (uvloop when installed) until SIGINT or SIGTERM.

        On a signal the server closes gracefully: it stops accepting,
        finishes in-flight requests, then returns.
        """
        loop = new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve_forever(host, port, **kwargs))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            asyncio.set_event_loop(None)
            loop.close()

    async def _serve_forever(self, host: str, port: int, **kwargs: Any) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        server = await self.create_server(host, port, **kwargs)
        self.core_logger.info("eggfast listening on http://%s:%d", host, server.port)
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            self.core_logger.info("eggfast closing: draining %d connection(s)", len(server.connections))
            server.close()
            await server.wait_closed()
            await self.close()

    async def close(self) -> None:
        """Wait for background tasks started with :meth:`run_in_background`."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    # -- extras ---------------------------------------------------------------------
    def create_anonymous_context(self, raw: Optional[RawRequest] = None) -> Any:
        """A Context not bound to a connection (Egg's defaults: GET / from 127.0.0.1)."""
        if raw is None:
            raw = RawRequest(
                "GET", "/", "1.1",
                {"host": "127.0.0.1", "x-forwarded-for": "127.0.0.1"},
                EmptyBody(), ("127.0.0.1", 7001),
            )
        return self.context_class(self, raw, _NullStream())

    def run_in_background(self, coro_fn: Callable[..., Awaitable[Any]], *args: Any) -> asyncio.Task:
        """Run ``coro_fn(*args)`` after the current step; errors go to the ``error`` event."""

        async def runner() -> None:
            try:
                await coro_fn(*args)
            except Exception as err:  # reported, never raised into the loop
                err.run_in_background = True  # type: ignore[attr-defined]
                self.emit("error", err, None)

        task = asyncio.get_running_loop().create_task(runner())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task


class _NullStream:
    """The response stream of an anonymous context: nothing goes anywhere."""

    headers_sent = False
    writable = False

    def send(self, status: int, reason: Any, headers: list, body: bytes) -> None:
        self.headers_sent = True

    def start(self, status: int, reason: Any, headers: list) -> None:
        self.headers_sent = True

    async def write(self, chunk: bytes) -> None:
        return None

    def end(self) -> None:
        return None
