"""The Egg application: the Koa core plus the loader, config, plugins and lifecycle.

``Application()`` with no ``base_dir`` is exactly the Koa core (``use``,
``router``, ``listen``).  ``Application(base_dir="path/to/app")`` loads the
app: plugins, config, extends, boots, services, middleware, controllers and
routes; ``await app.ready()`` runs the async boot hooks.

A framework subclasses :class:`Application` (and :class:`eggfast.Agent`)
and points ``egg_path`` at its own root::

    class Application(eggfast.Application):
        egg_path = Path(__file__).parent

Frameworks stack: the units are collected from the class's MRO, base
(eggfast) first.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import logging
import re
from pathlib import Path
from typing import Any, Optional

from eggfast.loader.app_info import AppInfo
from eggfast.koa.application import Application as KoaApplication
from eggfast.koa.context import Context
from eggfast.errors import ConfigError
from eggfast.egg.helper import Helper, HelperProperty
from eggfast.egg.lifecycle import Lifecycle, Timing
from eggfast.loader.egg_loader import AppWorkerLoader
from eggfast.loader.middleware import MiddlewareList
from eggfast.logger import close_loggers, setup_loggers
from eggfast.egg.messenger import Messenger
from eggfast.httpclient import HttpClient, HttpClientResponse

__all__ = ["Application", "EggCore", "EGGFAST_ROOT", "mask_config", "is_secret_key"]

#: the eggfast package directory: the base framework unit
EGGFAST_ROOT = Path(__file__).resolve().parent.parent

#: A config key is secret when one of its word parts starts with one of these
#: (the key split on ``_ - .`` and whitespace and at camelCase boundaries,
#: compared lower-cased): ``db_password``, ``redisPass``, ``userPwd``,
#: ``api_key``, ``masterKey``, ``keys``, ``accessToken``, ``SECRET``.
SECRET_WORD_STEMS: tuple[str, ...] = ("pass", "pwd", "secret", "token", "key")
#: ... or when it contains one of these anywhere, word boundary or not
#: (``dbpassword``, ``clientsecret``; Egg masks ``/secret/i``).
SECRET_SUBSTRINGS: tuple[str, ...] = ("passwd", "password", "secret", "token")

_KEY_SEPARATORS = re.compile(r"[_\-.\s]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def key_words(key: str) -> list[str]:
    """The lower-cased word parts of a config key: ``"APIKey_id"`` → ``["api", "key", "id"]``."""
    words = []
    for part in _KEY_SEPARATORS.split(key):
        words += [word.lower() for word in _CAMEL_BOUNDARY.split(part) if word]
    return words


def is_secret_key(key: str) -> bool:
    """Whether the dump masks ``key``'s value (see :data:`SECRET_WORD_STEMS`).

    ``monkey`` and ``bypass`` are kept (no word part starts with a stem);
    ``keyboard`` and ``passenger`` are masked, as masking too much only hides
    a value from the dump while masking too little leaks one.
    """
    lowered = key.lower()
    if any(part in lowered for part in SECRET_SUBSTRINGS):
        return True
    return any(word.startswith(SECRET_WORD_STEMS) for word in key_words(key))


def _hit(key: str, ignore: list) -> bool:
    if is_secret_key(key):
        return True
    for item in ignore:
        if isinstance(item, str) and item == key:
            return True
        if isinstance(item, re.Pattern) and item.search(key):
            return True
    return False


def _describe(value: Any, ignore: Optional[list] = None) -> Any:
    if inspect.isclass(value):
        return f"<Class {value.__name__}>"
    if inspect.iscoroutinefunction(value):
        return f"<AsyncFunction {getattr(value, '__name__', '')}>"
    if callable(value):
        return f"<Function {getattr(value, '__name__', type(value).__name__)}>"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"<Buffer len: {len(value)}>"
    if isinstance(value, re.Pattern):
        return f"/{value.pattern}/"
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return [mask_config(v, ignore) for v in value]
    return f"<Object {type(value).__name__}>"


def _mask_leaf(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "<Boolean>"
    if isinstance(value, (int, float)):
        return "<Number>"
    if isinstance(value, str):
        return f"<String len: {len(value)}>"
    if isinstance(value, (list, tuple)):
        return f"<Array len: {len(value)}>"
    if isinstance(value, dict):
        return {k: _mask_leaf(v) for k, v in value.items()}
    return _describe(value)


def mask_config(value: Any, ignore: Optional[list] = None) -> Any:
    """A JSON-safe copy of ``value`` with secret keys masked as Egg does (``<String len: 6>``).

    Every key for which :func:`is_secret_key` holds is masked, and so is
    every key equal to a name in ``ignore`` or matching a compiled pattern
    in it (``config.dump.ignore``).
    """
    ignore = [] if ignore is None else ignore
    if isinstance(value, dict):
        return {str(k): (_mask_leaf(v) if _hit(str(k), ignore) else mask_config(v, ignore)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_config(v, ignore) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return _describe(value, ignore)


class EggCore:
    """What the Egg application and the agent share: units, loader, lifecycle, messenger, dump."""

    #: root of this framework unit (eggfast's own package directory for the base)
    egg_path: Path = EGGFAST_ROOT
    #: the loader class (a framework may swap it)
    loader_class: type = AppWorkerLoader
    #: "application" or "agent": run/<type>_config.json, logger kind
    egg_type = "application"

    @classmethod
    def egg_paths(cls) -> list[Path]:
        """Framework roots from the MRO, base (eggfast) first."""
        out: list[Path] = []
        for klass in reversed(cls.__mro__):
            path = klass.__dict__.get("egg_path")
            if path is not None:
                path = Path(path).resolve()
                if path not in out:
                    out.append(path)
        return out

    def _egg_init(self, base_dir: Any, env: Optional[str], options: dict, messenger: Optional[Messenger]) -> None:
        cls = type(self)
        # A per-instance class, so extend/application.py never leaks into other apps.
        self.__class__ = type(cls.__name__, (cls,), {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
        self.options = options
        self.timing = Timing()
        self.app_info = AppInfo.from_base_dir(base_dir, env)
        self.base_dir = self.app_info.base_dir
        self.name = self.app_info.name
        self.lifecycle = Lifecycle(self, self.timing)
        self.messenger = messenger or Messenger("agent" if self.egg_type == "agent" else "app")
        self.is_ready = False
        self._ready_task: Optional[asyncio.Future] = None
        self._egg_close_task: Optional[asyncio.Future] = None
        self.loader = self.loader_class(self, self.app_info, self.egg_paths(), self.timing, options)
        try:
            with self.timing.span(f"Load {self.egg_type}"):
                self.loader.load()
        except BaseException:
            # a failed start leaves nothing open behind it
            self.messenger.hub.detach(self.messenger)
            close_loggers(self)
            raise

    # -- config -------------------------------------------------------------------
    def _set_config(self, config: Any) -> None:
        """Called by the loader once config is merged: install it, then the loggers."""
        self.config = config
        self.lifecycle.logger = logging.getLogger("eggfast.core.lifecycle")
        try:
            setup_loggers(self, kind="agent" if self.egg_type == "agent" else "application")
        except ValueError as exc:
            where = self.base_dir / "config" / "config.default.py"
            raise ConfigError(f"{where}: logger config: {' '.join(str(exc).split())}") from exc
            self.core_logger = logging.getLogger("eggfast.core")
            self.get_logger = lambda name: logging.getLogger(f"eggfast.{name}")
        core = getattr(self, "core_logger", None)
        if core is not None:
            self.lifecycle.logger = core

    # -- readiness ------------------------------------------------------------------
    async def ready(self) -> Any:
        """Run ``did_load`` → ``will_ready`` → ``did_ready`` once; later calls wait for the same run."""
        if self._ready_task is None:
            self._ready_task = asyncio.ensure_future(self._boot())
        await asyncio.shield(self._ready_task)
        return self

    async def _boot(self) -> None:
        lifecycle = self.lifecycle
        with self.timing.span(f"{self.egg_type} ready"):
            await lifecycle.trigger_did_load()
            await lifecycle.trigger_will_ready()
        self.is_ready = True
        await lifecycle.trigger_did_ready()
        self.dump_config()
        self.dump_timing()

    async def server_did_ready(self) -> None:
        recorded = len(self.timing.items)
        await self.lifecycle.trigger_server_did_ready()
        if len(self.timing.items) != recorded:
            # These hooks come after the ready-time dump: write it again so that
            # run/<type>_timing.json keeps agreeing with timing.total().
            self.dump_timing()

    # -- run/ ----------------------------------------------------------------------------
    @property
    def rundir(self) -> Path:
        return Path(self.config.get("rundir") or self.base_dir / "run")

    def dump_config(self) -> None:
        """Write ``run/<type>_config.json`` (secrets masked) and ``run/<type>_config_meta.json``."""
        rundir = self.rundir
        try:
            rundir.mkdir(parents=True, exist_ok=True)
            extra = (self.config.get("dump") or {}).get("ignore") or []
            ignore = [re.compile(i) if isinstance(i, str) and i.startswith("^") else i for i in extra]
            data = {"config": mask_config(dict(self.config), ignore),
                    "plugins": {n: p.to_dict() for n, p in (self.plugins or {}).items()},
                    "app_info": self.app_info.to_dict()}
            (rundir / f"{self.egg_type}_config.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
            meta = getattr(self.loader, "config_meta", {})
            (rundir / f"{self.egg_type}_config_meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        except OSError as exc:  # a read-only disk must not stop the app
            self.core_logger.warning("[eggfast] cannot dump config to %s: %s", rundir, exc)

    def dump_timing(self) -> None:
        try:
            self.timing.dump(self.rundir / f"{self.egg_type}_timing.json")
        except OSError as exc:
            self.core_logger.warning("[eggfast] cannot write timing to %s: %s", self.rundir, exc)

    # -- close -------------------------------------------------------------------------
    async def _egg_close(self) -> None:
        await self._stop_serving()
        await self.lifecycle.close()
        await self._close_resources()
        await self.messenger.close()
        self.emit("close")
        close_loggers(self)
        await self._close_linked()

    async def _stop_serving(self) -> None:
        return None

    async def _close_resources(self) -> None:
        return None

    async def _close_linked(self) -> None:
        return None


class Application(EggCore, KoaApplication):
    """``eggfast.Application``: Koa core without ``base_dir``, an Egg app with it."""

    loader_class = AppWorkerLoader
    egg_type = "application"

    def __init__(
        self,
        config: Optional[dict] = None,
        *,
        base_dir: Any = None,
        env: Optional[str] = None,
        plugins: Optional[dict] = None,
        messenger: Optional[Messenger] = None,
        compose: Any = None,
        silent: bool = False,
        logger: Optional[logging.Logger] = None,
        context_twin: Any = None,
        **options: Any,
    ) -> None:
        KoaApplication.__init__(self, config, compose=compose, silent=silent, logger=logger, context_twin=context_twin)
        self.middleware = MiddlewareList()
        self.egg = base_dir is not None
        self.agent: Any = None
        self.plugins: dict = {}
        if not self.egg:
            return
        self.helper_class = type("Helper", (Helper,), {"__module__": Helper.__module__})
        self.context_class.helper = HelperProperty()
        self.context_class.run_in_background = _ctx_run_in_background
        self.context_class.curl = _ctx_curl
        self.httpclient = HttpClient(self)
        # Class-level defaults for what the default middleware look up on every
        # request (meta, body_parser): a miss would raise and swallow an
        # AttributeError each time.  Set per request, they land in ctx.__dict__.
        self.context_class.starttime = None
        self.context_class.performance_starttime = None
        self.context_class.disable_body_parser = False
        opts = dict(options, plugins=plugins, config=config)
        self._egg_init(base_dir, env, opts, messenger)

    async def curl(self, url: str, method: str = "GET", data: Any = None, **kwargs: Any) -> HttpClientResponse:
        """An outgoing request through ``app.httpclient`` (see :mod:`eggfast.httpclient`)."""
        return await self.httpclient.request(url, method, data, **kwargs)

    async def create_server(self, host: str = "127.0.0.1", port: int = 7001, **kwargs: Any) -> Any:
        """Egg mode: wait for readiness, serve, then run ``server_did_ready`` hooks."""
        if not self.egg:
            return await super().create_server(host, port, **kwargs)
        await self.ready()
        server = await super().create_server(host, port, **kwargs)
        await self.server_did_ready()
        return server

    async def close(self) -> None:
        """Egg mode: ``before_close`` hooks in reverse (once), background tasks, messenger, loggers."""
        if not self.egg:
            return await super().close()
        if self._egg_close_task is None:
            self._egg_close_task = asyncio.ensure_future(self._egg_close())
        await asyncio.shield(self._egg_close_task)

    async def _stop_serving(self) -> None:
        # Servers started by eggfast.start(): stop accepting and drain before before_close runs.
        server = self.server
        if server is not None and getattr(self, "_owns_server", False):
            server.close()
            await server.wait_closed()

    async def _close_resources(self) -> None:
        await KoaApplication.close(self)

    async def _close_linked(self) -> None:
        if self.agent is not None and getattr(self, "_owns_agent", False):
            await self.agent.close()


def _ctx_run_in_background(self: Context, coro_fn: Any, *args: Any) -> Any:
    """``ctx.run_in_background(fn)``: run ``fn(ctx)`` after the response; errors go to ``app.on("error")``."""
    return self.app.run_in_background(coro_fn, self, *args)


async def _ctx_curl(self: Context, url: str, method: str = "GET", data: Any = None, **kwargs: Any) -> Any:
    """``await ctx.curl(url)``: ``app.httpclient.request`` (mockable with ``mock_httpclient``)."""
    return await self.app.httpclient.request(url, method, data, **kwargs)
