"""``eggfast.mock``: test an Egg-style app the way egg-mock does (SPEC §15).

    from eggfast import mock

    async def test_home():
        app = mock.app(base_dir="examples/hello")
        await app.ready()
        try:
            await app.http_request().get("/").expect(200).expect("Hello, eggfast!\\n")
            app.mock_service("greeting", "greet", "hi")
            res = await app.http_request().get("/greet/bob").expect(200)
            assert res.json()["greeting"] == "hi"
        finally:
            mock.restore()
            await app.close()

``mock.app`` builds the agent and the application in this process (env
``unittest`` unless :func:`env` says otherwise); ``app.http_request()`` sends
requests through the real request path (``app.handler``) without a socket.
``mock.cluster`` starts real processes with ``eggfast start`` and talks to
them over a socket.  Every ``app.mock_*`` is undone by :func:`restore`; the
pytest plugin (:mod:`eggfast.pytest_plugin`) calls it after each test.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import mimetypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any, Awaitable, Callable, Generator, Optional, Pattern, Union

import orjson

from eggfast.httpclient import HttpClientResponse
from eggfast.testing import BytesBody, RecordingStream

__all__ = ["app", "cluster", "env", "restore", "MockApplication", "MockCluster", "HttpRequest", "TestResponse"]

Expected = Union[int, str, bytes, dict, list, Pattern[str], Callable[["TestResponse"], Any]]

#: every app made by :func:`app` / :func:`cluster` that still has mocks to undo
_APPS: list["_Restorable"] = []
_ENV: list[Optional[str]] = []  # the EGG_SERVER_ENV value to put back, when env() changed it


# -- responses and the fluent request ------------------------------------------------------------

class TestResponse:
    """What one ``http_request()`` answered: ``status``, ``headers`` (lower-case), ``body``."""

    __test__ = False  # not a pytest test class

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.header_list = headers
        self.body = body

    @property
    def headers(self) -> dict[str, str]:
        """Headers by lower-case name; repeated ones joined with ``", "``."""
        out: dict[str, str] = {}
        for name, value in self.header_list:
            key = name.lower()
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    def header_values(self, name: str) -> list[str]:
        return [v for n, v in self.header_list if n.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return orjson.loads(self.body)

    @property
    def cookies(self) -> dict[str, str]:
        """``name -> value`` of the ``Set-Cookie`` lines."""
        out = {}
        for line in self.header_values("set-cookie"):
            pair = line.split(";", 1)[0]
            if "=" in pair:
                name, value = pair.split("=", 1)
                out[name.strip()] = value.strip()
        return out

    def __repr__(self) -> str:
        return f"<TestResponse {self.status} {self.body[:60]!r}>"


class HttpRequest:
    """A supertest-style request: chain, then ``await`` it.

        res = await app.http_request().post("/users").set("x-a", "1").send({"n": 1}).expect(201)

    ``await`` sends it, checks each ``expect`` in order (``AssertionError`` on
    the first miss) and returns the :class:`TestResponse`.
    """

    def __init__(self, sender: Callable[[str, str, dict[str, str], bytes], Awaitable[TestResponse]],
                 prepare: Optional[Callable[["HttpRequest"], None]] = None) -> None:
        self._sender = sender
        self._prepare = prepare
        self.method = "GET"
        self.url = "/"
        self.headers: dict[str, str] = {}
        self._body: bytes = b""
        self._json: Any = None
        self._form: Optional[dict] = None
        self._files: list[tuple[str, str, bytes, str]] = []
        self._fields: list[tuple[str, str]] = []
        self._expects: list[tuple[str, Any, Any]] = []

    # verbs
    def _verb(self, method: str, url: str) -> "HttpRequest":
        self.method, self.url = method, url
        return self

    def get(self, url: str) -> "HttpRequest":
        return self._verb("GET", url)

    def post(self, url: str) -> "HttpRequest":
        return self._verb("POST", url)

    def put(self, url: str) -> "HttpRequest":
        return self._verb("PUT", url)

    def patch(self, url: str) -> "HttpRequest":
        return self._verb("PATCH", url)

    def delete(self, url: str) -> "HttpRequest":
        return self._verb("DELETE", url)

    def head(self, url: str) -> "HttpRequest":
        return self._verb("HEAD", url)

    def options(self, url: str) -> "HttpRequest":
        return self._verb("OPTIONS", url)

    # request parts
    def set(self, name: Union[str, dict[str, str]], value: Optional[str] = None) -> "HttpRequest":
        """A header (``set("x-a", "1")``) or several (``set({"x-a": "1"})``)."""
        items = name.items() if isinstance(name, dict) else [(name, value)]
        for key, val in items:
            if val is None:
                raise TypeError(f"header {key!r} needs a value")
            key = key.lower()
            if key == "cookie" and "cookie" in self.headers:
                self.headers[key] = f"{self.headers[key]}; {val}"
            else:
                self.headers[key] = str(val)
        return self

    def query(self, params: dict[str, Any]) -> "HttpRequest":
        """Add ``params`` to the query string."""
        sep = "&" if "?" in self.url else "?"
        self.url = f"{self.url}{sep}{urllib.parse.urlencode(params, doseq=True)}"
        return self

    def type(self, kind: str) -> "HttpRequest":
        """``"json"``, ``"form"`` or a full content type."""
        full = {"json": "application/json", "form": "application/x-www-form-urlencoded"}.get(kind, kind)
        self.headers["content-type"] = full
        return self

    def send(self, data: Union[dict, list, str, bytes]) -> "HttpRequest":
        """The body: a dict/list as JSON (as a form after ``.type("form")``), a str as a form, bytes raw."""
        if isinstance(data, (dict, list)):
            if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                self._form = dict(data) if isinstance(data, dict) else None
                self._body = urllib.parse.urlencode(data, doseq=True).encode()
            else:
                self._json = data
                self.headers.setdefault("content-type", "application/json")
                self._body = orjson.dumps(data)
        elif isinstance(data, str):
            self.headers.setdefault("content-type", "application/x-www-form-urlencoded")
            self._body = data.encode()
        elif isinstance(data, bytes):
            self._body = data
        else:
            raise TypeError(f"send() takes a dict, list, str or bytes, not {type(data).__name__}")
        return self

    def field(self, name: str, value: str) -> "HttpRequest":
        """A plain multipart field (sent with :meth:`attach`)."""
        self._fields.append((name, str(value)))
        return self

    def attach(self, name: str, file: Union[str, os.PathLike, bytes], filename: Optional[str] = None,
               content_type: Optional[str] = None) -> "HttpRequest":
        """A file in a ``multipart/form-data`` body: a path, or bytes with ``filename``."""
        if isinstance(file, bytes):
            data, fname = file, filename or name
        else:
            path = Path(file)
            data, fname = path.read_bytes(), filename or path.name
        ctype = content_type or mimetypes.guess_type(fname)[0] or "application/octet-stream"
        self._files.append((name, fname, data, ctype))
        return self

    # expectations
    def expect(self, first: Expected, second: Any = None) -> "HttpRequest":
        """``expect(200)``, ``expect("content-type", "text/plain")`` / a regex, ``expect(body)``
        (str, bytes, dict/list as JSON, a regex), or ``expect(fn)`` (called with the response)."""
        if isinstance(first, int) and not isinstance(first, bool):
            self._expects.append(("status", first, None))
            if second is not None:
                self._expects.append(("body", second, None))
        elif isinstance(first, str) and second is not None:
            self._expects.append(("header", first.lower(), second))
        elif callable(first) and not isinstance(first, re.Pattern):
            self._expects.append(("fn", first, None))
        else:
            self._expects.append(("body", first, None))
        return self

    def _multipart(self) -> bytes:
        boundary = f"eggfast{uuid.uuid4().hex}"
        parts: list[bytes] = []
        for name, value in self._fields:
            parts.append(f'--{boundary}\r\ncontent-disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, fname, data, ctype in self._files:
            parts.append(f'--{boundary}\r\ncontent-disposition: form-data; name="{name}"; filename="{fname}"\r\n'
                         f"content-type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        self.headers["content-type"] = f"multipart/form-data; boundary={boundary}"
        return b"".join(parts)

    async def end(self) -> TestResponse:
        """Send the request and check the expectations."""
        if self._prepare is not None:
            self._prepare(self)
        body = self._multipart() if self._files else self._body
        headers = dict(self.headers)
        if body:
            headers["content-length"] = str(len(body))
        res = await self._sender(self.method, self.url, headers, body)
        for kind, a, b in self._expects:
            _check(res, kind, a, b, f"{self.method} {self.url}")
        return res

    def __await__(self) -> Generator[Any, None, TestResponse]:
        return self.end().__await__()


def _match(value: Any, expected: Any) -> bool:
    if isinstance(expected, re.Pattern):
        return value is not None and expected.search(value if isinstance(value, str) else str(value)) is not None
    return value == expected


def _check(res: TestResponse, kind: str, a: Any, b: Any, what: str) -> None:
    if kind == "status":
        assert res.status == a, f"{what}: expected status {a}, got {res.status} (body {res.body[:200]!r})"
    elif kind == "header":
        value = res.header(a)
        assert _match(value, b), f"{what}: expected header {a!r} to be {b!r}, got {value!r}"
    elif kind == "fn":
        result = a(res)
        assert result is not False, f"{what}: expectation {a!r} returned False"
    else:
        if isinstance(a, (dict, list)):
            try:
                got: Any = res.json()
            except orjson.JSONDecodeError:
                got = res.text
        elif isinstance(a, bytes):
            got = res.body
        else:
            got = res.text
        assert _match(got, a), f"{what}: expected body {a!r}, got {got!r}"


# -- the mocked application ------------------------------------------------------------------------

class _Restorable:
    def restore(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a bad format string still counts as a line
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text = f"{text} {type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        self.records.append((record.name, text))


class MockApplication(_Restorable):
    """An Egg application (and its agent) in this process, with egg-mock's helpers.

    Attributes not defined here are the application's (``app.config``,
    ``app.controller``, ``app.service_classes`` …) once :meth:`ready` ran.
    """

    def __init__(self, base_dir: Union[str, os.PathLike], *, env: Optional[str] = None,
                 framework: Optional[str] = None, plugins: Optional[dict] = None,
                 config: Optional[dict] = None, context_twin: Any = None) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.env = env
        self.framework = framework
        self.plugins_option = plugins
        self.config_option = config
        self.context_twin = context_twin
        self.application: Any = None
        self._ready: Optional[asyncio.Future] = None
        self._undo: list[Callable[[], None]] = []
        self._service_mocks: dict[tuple[str, str], Any] = {}
        self._context_data: dict[str, Any] = {}
        self._session: Optional[dict] = None
        self._csrf = False
        self._cookies: dict[str, str] = {}
        self._headers: dict[str, str] = {}
        self._http_mocks: list[tuple[Union[str, Pattern[str]], Union[str, list[str]], Any]] = []
        self._capture = _LogCapture()
        self._closed = False
        _APPS.append(self)

    # -- lifecycle ------------------------------------------------------------------------
    async def ready(self) -> "MockApplication":
        """Load agent and application and run their boot hooks (once)."""
        if self._ready is None:
            self._ready = asyncio.ensure_future(self._start())
        await asyncio.shield(self._ready)
        return self

    async def _start(self) -> None:
        from eggfast.egg.single_process import start

        options: dict[str, Any] = {}
        if self.config_option is not None:
            options["config"] = self.config_option
        if self.context_twin is not None:
            options["context_twin"] = self.context_twin
        env = self.env or os.environ.get("EGG_SERVER_ENV") or "unittest"
        self.application = await start(self.base_dir, env=env, framework=self.framework,
                                       plugins=self.plugins_option, **options)
        self._install_capture()
        self.application.on("request", self._on_request)

    def _install_capture(self) -> None:
        for owner in (self.application, getattr(self.application, "agent", None)):
            for logger in (getattr(owner, "loggers", None) or {}).values():
                logger.addHandler(self._capture)

    def _on_request(self, ctx: Any) -> None:
        for name, value in self._context_data.items():
            ctx.__dict__[name] = value
        if self._session is not None:
            ctx.session = dict(self._session)

    async def close(self) -> None:
        """Undo the mocks, wait for background tasks, close app and agent."""
        self.restore()
        if self.application is not None and not self._closed:
            self._closed = True
            await self.application.close()
        if self in _APPS:
            _APPS.remove(self)

    def __getattr__(self, name: str) -> Any:
        application = self.__dict__.get("application")
        if application is None:
            raise AttributeError(f"{name}: the app is not loaded yet (await app.ready() first)")
        return getattr(application, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # the wrapper's own state stays here; anything else lands on the loaded application
        if name in self.__dict__ or name.startswith("_") or self.__dict__.get("application") is None:
            object.__setattr__(self, name, value)
        else:
            setattr(self.application, name, value)

    def _app(self) -> Any:
        if self.application is None:
            raise RuntimeError("await app.ready() before using the app")
        return self.application

    # -- requests ---------------------------------------------------------------------------
    def http_request(self) -> HttpRequest:
        """A request through ``app.handler`` (the real middleware chain), no socket."""
        return HttpRequest(self._send, self._prepare)

    def _prepare(self, req: HttpRequest) -> None:
        for name, value in self._headers.items():
            req.headers.setdefault(name, value)
        cookies = dict(self._cookies)
        if self._csrf:
            from eggfast.plugins.security.csrf import create_token

            secret = "mock-csrf-secret-" + uuid.uuid4().hex[:16]
            cookies.setdefault("csrfToken", secret)
            req.headers.setdefault("x-csrf-token", create_token(cookies["csrfToken"]))
        if cookies:
            req.set("cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))

    async def _send(self, method: str, url: str, headers: dict[str, str], body: bytes) -> TestResponse:
        from eggfast.server._protocol import RawRequest

        app = self._app()
        hdrs = {"host": "127.0.0.1"}
        hdrs.update(headers)
        raw = RawRequest(method, url, "1.1", hdrs, BytesBody(body), ("127.0.0.1", 50000),
                         ("127.0.0.1", 7001), False)
        stream = RecordingStream()
        await app.handler(raw, stream)
        return TestResponse(stream.status or 0, stream.headers, stream.body)

    # -- mocks ----------------------------------------------------------------------------------
    def mock_service(self, service: str, method: str, value: Any) -> None:
        """``ctx.service.<service>.<method>(...)`` returns ``value`` (awaitable when the method is
        async); an exception instance or class is raised instead.  ``service`` may be dotted."""
        cls = self._service_class(service)
        original = cls.__dict__.get(method, _MISSING)
        target = getattr(cls, method, None)
        if target is None:
            raise AttributeError(f"service {service} has no method {method!r}")
        is_async = asyncio.iscoroutinefunction(target)

        def produce() -> Any:
            if isinstance(value, BaseException) or (isinstance(value, type) and issubclass(value, BaseException)):
                raise value
            return value

        if is_async:
            async def replacement(self_: Any, *args: Any, **kwargs: Any) -> Any:
                return produce()
        else:
            def replacement(self_: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
                return produce()
        replacement.__name__ = method
        setattr(cls, method, replacement)

        def undo() -> None:
            if original is _MISSING:
                delattr(cls, method)
            else:
                setattr(cls, method, original)

        self._undo.append(undo)

    def mock_service_error(self, service: str, method: str, error: Union[str, BaseException, None] = None) -> None:
        """``ctx.service.<service>.<method>`` raises ``error`` (a message or an exception;
        default ``Exception("mock <service>.<method> error")``)."""
        if error is None:
            error = f"mock {service}.{method} error"
        self.mock_service(service, method, Exception(error) if isinstance(error, str) else error)

    def _service_class(self, dotted: str) -> type:
        tree: Any = self._app().service_classes
        for part in dotted.split("."):
            if part not in tree:
                raise AttributeError(f"no service {dotted!r} (loaded: {', '.join(self._app().service_classes)})")
            tree = tree[part]
        if not isinstance(tree, type):
            raise AttributeError(f"service {dotted!r} is a folder, not a class")
        return tree

    def mock_csrf(self) -> None:
        """Requests carry a ``csrfToken`` secret cookie and a matching ``x-csrf-token`` header,
        so the security plugin's CSRF check passes."""
        self._csrf = True

    def mock_session(self, data: dict) -> None:
        """Every request starts with ``ctx.session`` holding ``data``, saved afterwards like a real
        session (the ``EGG_SESS`` cookie, or the external store).  With an external store, a request
        that also sends a session cookie gets what the store holds for it instead."""
        self._session = dict(data)

    def mock_cookies(self, cookies: dict[str, str]) -> None:
        """Every request sends these cookies (plain values, as a browser would)."""
        self._cookies.update(cookies)

    def mock_headers(self, headers: dict[str, str]) -> None:
        """Every request sends these headers (unless the request sets them)."""
        self._headers.update({k.lower(): v for k, v in headers.items()})

    def mock_context(self, data: dict[str, Any]) -> None:
        """Every request's ``ctx`` has these attributes (``ctx.user`` …) before the middleware run.

        A name that is a property of the context class (an extend property such as
        ``ctx.is_ajax``) is replaced on the app's context class until :meth:`restore`."""
        cls = self._app().context_class
        for name, value in data.items():
            current = inspect.getattr_static(cls, name, None)
            if isinstance(current, property):
                original = cls.__dict__.get(name, _MISSING)
                setattr(cls, name, property(_constant(value)))

                def undo(name: str = name, original: Any = original) -> None:
                    if original is _MISSING:
                        delattr(cls, name)
                    else:
                        setattr(cls, name, original)

                self._undo.append(undo)
            else:
                self._context_data[name] = value

    def mock_httpclient(self, url: Union[str, Pattern[str]], method: str = "*", data: Any = b"", *,
                        status: int = 200, headers: Optional[dict[str, str]] = None) -> None:
        """``app.curl`` / ``ctx.curl`` / ``app.httpclient.request`` to ``url`` (exact, or a regex)
        with ``method`` (``"*"``: any; a list allowed) answer ``data`` without the network
        (a dict/list as JSON, a str as UTF-8)."""
        client = self._app().httpclient
        if not self._http_mocks:
            real = client.request

            async def request(url_: str, method_: str = "GET", data_: Any = None, **kwargs: Any) -> Any:
                for pattern, methods, answer in reversed(self._http_mocks):
                    hit = pattern.search(url_) if isinstance(pattern, re.Pattern) else pattern == url_
                    if hit and (methods == "*" or method_.upper() in methods):
                        return answer
                return await real(url_, method_, data_, **kwargs)

            client.request = request
            self._undo.append(lambda: client.__dict__.pop("request", None))
        body = data
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        if isinstance(data, (dict, list)):
            body = orjson.dumps(data)
            hdrs.setdefault("content-type", "application/json")
        elif isinstance(data, str):
            body = data.encode()
        methods = method if method == "*" else (
            [m.upper() for m in method] if isinstance(method, (list, tuple)) else [method.upper()])
        self._http_mocks.append((url, methods, HttpClientResponse(status, hdrs, body)))

    # -- logs and background ----------------------------------------------------------------------
    def _log_lines(self, logger: Optional[str]) -> list[str]:
        return [text for name, text in self._capture.records if logger is None or logger in name]

    def expect_log(self, pattern: Union[str, Pattern[str]], logger: Optional[str] = None) -> None:
        """Assert that a log line (of any app/agent logger, or those whose name contains
        ``logger``) contains ``pattern`` (a substring or a regex)."""
        lines = self._log_lines(logger)
        assert any(_line_hit(line, pattern) for line in lines), \
            f"no log line matches {pattern!r}; last lines: {lines[-5:]!r}"

    def not_expect_log(self, pattern: Union[str, Pattern[str]], logger: Optional[str] = None) -> None:
        """Assert that no log line matches ``pattern``."""
        hits = [line for line in self._log_lines(logger) if _line_hit(line, pattern)]
        assert not hits, f"log lines match {pattern!r}: {hits[:3]!r}"

    async def background_tasks_finished(self) -> None:
        """Wait until every ``run_in_background`` task of the app has finished."""
        app = self._app()
        while app._background:
            await asyncio.gather(*list(app._background), return_exceptions=True)

    # -- restore ----------------------------------------------------------------------------------
    def restore(self) -> None:
        """Undo every mock of this app (services, context, session, csrf, cookies, headers, httpclient)."""
        while self._undo:
            self._undo.pop()()
        self._context_data.clear()
        self._session = None
        self._csrf = False
        self._cookies.clear()
        self._headers.clear()
        self._http_mocks.clear()
        self._capture.records.clear()


_MISSING = object()


def _constant(value: Any) -> Callable[[Any], Any]:
    def getter(ctx: Any) -> Any:
        return value

    return getter


def _line_hit(line: str, pattern: Union[str, Pattern[str]]) -> bool:
    return pattern.search(line) is not None if isinstance(pattern, re.Pattern) else pattern in line


# -- the cluster ----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MockCluster(_Restorable):
    """``eggfast start`` (master, agent, workers) as real processes on a free loopback port."""

    def __init__(self, base_dir: Union[str, os.PathLike], *, workers: int = 1, env: Optional[str] = None,
                 port: Optional[int] = None, timeout: float = 60.0) -> None:
        self.base_dir = Path(base_dir).resolve()
        self.workers = workers
        self.env = env or os.environ.get("EGG_SERVER_ENV") or "unittest"
        self.port = port or _free_port()
        self.timeout = timeout
        self.process: Optional[subprocess.Popen] = None
        self.title = f"eggfast-mock-{os.getpid()}-{self.port}"
        self._headers: dict[str, str] = {}
        _APPS.append(self)

    async def ready(self) -> "MockCluster":
        """Start the master and wait until the port answers (``RuntimeError`` if it exits first)."""
        if self.process is not None:
            return self
        cmd = [sys.executable, "-m", "eggfast", "start", "--base-dir", str(self.base_dir), "--port", str(self.port),
               "--workers", str(self.workers), "--env", self.env, "--title", self.title]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                raise RuntimeError(f"eggfast start exited {self.process.returncode}: {out[-2000:]}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                await writer.wait_closed()
                return self
            except OSError:
                await asyncio.sleep(0.1)
        await self.close()
        raise TimeoutError(f"the cluster did not listen on {self.port} within {self.timeout}s")

    def mock_headers(self, headers: dict[str, str]) -> None:
        """Every request sends these headers."""
        self._headers.update({k.lower(): v for k, v in headers.items()})

    def http_request(self) -> HttpRequest:
        """A request over a real socket to the cluster."""
        return HttpRequest(self._send, self._prepare)

    def _prepare(self, req: HttpRequest) -> None:
        for name, value in self._headers.items():
            req.headers.setdefault(name, value)

    async def _send(self, method: str, url: str, headers: dict[str, str], body: bytes) -> TestResponse:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            hdrs = {"host": f"127.0.0.1:{self.port}", "connection": "close"}
            hdrs.update(headers)
            head = f"{method} {url} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdrs.items()) + "\r\n"
            writer.write(head.encode("latin-1") + body)
            await writer.drain()
            data = await asyncio.wait_for(reader.read(-1), self.timeout)
        finally:
            writer.close()
        return _parse_response(data, method)

    async def close(self) -> None:
        """SIGTERM the master (by its PID) and wait for it to exit."""
        self.restore()
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, self.timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()
        if self in _APPS:
            _APPS.remove(self)

    def restore(self) -> None:
        self._headers.clear()


def _parse_response(data: bytes, method: str) -> TestResponse:
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = [(n.strip(), v.strip()) for n, _, v in (line.partition(":") for line in lines[1:] if line)]
    if method == "HEAD":
        return TestResponse(status, headers, b"")
    if any(n.lower() == "transfer-encoding" and "chunked" in v.lower() for n, v in headers):
        body, pos = b"", 0
        while True:
            end = rest.index(b"\r\n", pos)
            size = int(rest[pos:end].split(b";")[0], 16)
            if size == 0:
                break
            body += rest[end + 2:end + 2 + size]
            pos = end + 2 + size + 2
        rest = body
    return TestResponse(status, headers, rest)


# -- module functions -----------------------------------------------------------------------------

def app(base_dir: Union[str, os.PathLike] = ".", *, env: Optional[str] = None, framework: Optional[str] = None,
        plugins: Optional[dict] = None, config: Optional[dict] = None, context_twin: Any = None) -> MockApplication:
    """An app to test in this process; ``await app.ready()`` loads it (env ``unittest`` by default)."""
    return MockApplication(base_dir, env=env, framework=framework, plugins=plugins, config=config,
                           context_twin=context_twin)


def cluster(base_dir: Union[str, os.PathLike] = ".", *, workers: int = 1, env: Optional[str] = None,
            port: Optional[int] = None, timeout: float = 60.0) -> MockCluster:
    """The app served by ``eggfast start`` in real processes; ``await c.ready()``, ``await c.close()``."""
    return MockCluster(base_dir, workers=workers, env=env, port=port, timeout=timeout)


def env(name: str) -> None:
    """The env of apps made after this call (``EGG_SERVER_ENV``); :func:`restore` puts it back."""
    if not _ENV:
        _ENV.append(os.environ.get("EGG_SERVER_ENV"))
    os.environ["EGG_SERVER_ENV"] = name


def restore() -> None:
    """Undo every mock of every app, and :func:`env`."""
    for item in list(_APPS):
        item.restore()
    if _ENV:
        previous = _ENV.pop()
        _ENV.clear()
        if previous is None:
            os.environ.pop("EGG_SERVER_ENV", None)
        else:
            os.environ["EGG_SERVER_ENV"] = previous
