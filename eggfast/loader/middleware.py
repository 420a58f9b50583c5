"""Stage: middleware — factories from every unit, mounted in config order.

A file ``app/middleware/<name>.py`` exports ``middleware(options, app)``
returning an ``async (ctx, next)`` callable.  The mounted list is
``config.core_middleware`` (frameworks and plugins) followed by
``config.middleware`` (the app); each gets ``config[<name>]`` as options.
Common options: ``enable`` (False: not mounted), ``match`` or ``ignore``
(not both): a path prefix on a segment boundary (``"/api"`` matches ``/api``
and ``/api/x`` but not ``/apix``), a compiled regex (``search`` on the path),
a callable ``fn(ctx) -> bool``, or a list of those (any).  The router's
middleware always runs last.  ``app.middleware.<name>(options)`` builds one
for router-level use.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Callable

from eggfast.errors import ConfigError
from eggfast.loader.file_loader import FileLoader, Namespace, one_line, require_export

__all__ = ["MiddlewareLoaderMixin", "path_matcher", "MiddlewareList"]


class MiddlewareList(list):
    """``app.middleware``: the mounted stack (a list) that also exposes the factories by name."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.factories: dict[str, Callable] = {}

    def __getattr__(self, name: str) -> Callable:
        factories = self.__dict__.get("factories") or {}
        if name in factories:
            factory, app = factories[name], self.__dict__.get("app")

            def build(options: Any = None) -> Callable:
                """``app.middleware.<name>(options)``: the middleware, for one route."""
                return factory(dict(options or {}), app)

            build.__name__ = name
            return build
        raise AttributeError(f"middleware {name!r} is not defined (no app/middleware/{name}.py in any unit)")


def _prefix_matcher(patterns: list, source: str) -> Callable[[Any], bool]:
    """Path prefixes on a segment boundary, all tested against one read of ``ctx.path``."""
    exact: set[str] = set()
    for pattern in patterns:
        if not pattern.startswith("/"):
            raise ConfigError(f"{source}: match/ignore path {pattern!r} must start with '/'")
        prefix = pattern.rstrip("/")
        if not prefix:
            return lambda ctx: True
        exact.add(prefix)
    with_slash = tuple(p + "/" for p in exact)

    def test(ctx: Any) -> bool:
        path = ctx.path
        return path in exact or path.startswith(with_slash)

    return test


def _one_matcher(pattern: Any, source: str) -> Callable[[Any], bool]:
    if isinstance(pattern, str):
        return _prefix_matcher([pattern], source)
    if isinstance(pattern, re.Pattern):
        search = pattern.search
        return lambda ctx: search(ctx.path) is not None
    if callable(pattern):
        return lambda ctx: bool(pattern(ctx))
    raise ConfigError(f"{source}: match/ignore must be a path, a compiled regex, a callable or a list, "
                      f"not {type(pattern).__name__}")


def path_matcher(pattern: Any, source: str = "config") -> Callable[[Any], bool]:
    """Compile a ``match``/``ignore`` value into ``fn(ctx) -> bool`` (once, at start-up)."""
    if isinstance(pattern, (list, tuple)):
        prefixes = [p for p in pattern if isinstance(p, str)]
        tests = [_prefix_matcher(prefixes, source)] if prefixes else []
        tests += [_one_matcher(p, source) for p in pattern if not isinstance(p, str)]
        if len(tests) == 1:
            return tests[0]
        return lambda ctx: any(t(ctx) for t in tests)
    return _one_matcher(pattern, source)


def _wrap(mw: Callable, options: dict, name: str, source: str) -> Callable:
    match, ignore = options.get("match"), options.get("ignore")
    if match is not None and ignore is not None:
        raise ConfigError(f"{source}: middleware {name!r}: options.match and options.ignore can not both be set")
    if match is None and ignore is None:
        return mw
    test = path_matcher(match if match is not None else ignore, source)
    wanted = match is not None

    async def matched(ctx: Any, next: Any) -> Any:  # noqa: A002
        if test(ctx) is wanted:
            return await mw(ctx, next)
        return await next()

    matched.__name__ = getattr(mw, "__name__", name)
    matched.__qualname__ = matched.__name__
    return matched


class MiddlewareLoaderMixin:
    def load_middleware(self) -> None:
        app = self.app
        with self.timing.span("Load Middleware"):
            tree = Namespace("middleware")
            dirs = [unit.path / "app" / "middleware" for unit in self.get_load_units()]

            def factory(module: Any, path: Path, dotted: str) -> Callable:
                fn = require_export(module, "middleware", path, "def middleware(options, app) returning async (ctx, next)")
                if not callable(fn):
                    raise ConfigError(f"{path}: 'middleware' must be a function middleware(options, app)")
                fn.full_path = str(path)
                return fn

            loader = FileLoader(dirs, tree, resolve=factory)
            loaded = loader.load()
            factories = {dotted: fn for dotted, _, fn in loaded}
            paths = {dotted: path for dotted, path, _ in loaded}
            stack = app.middleware
            stack.factories.update(factories)
            stack.app = app
            config = app.config
            meta = getattr(self, "config_meta", {})
            for key in ("core_middleware", "middleware"):
                value = config.get(key) or []
                if not isinstance(value, (list, tuple)) or not all(isinstance(n, str) for n in value):
                    where = meta.get(key) if isinstance(meta.get(key), str) else self.base_dir / "config"
                    raise ConfigError(f"{where}: {key!r} must be a list of names such as ['robot'], "
                                      f"not {value!r}")
            names = list(config.get("core_middleware") or []) + list(config.get("middleware") or [])
            seen: set[str] = set()
            for name in names:
                source = meta.get("middleware") if name in (config.get("middleware") or []) else meta.get("core_middleware")
                source = source if isinstance(source, str) else str(self.base_dir / "config" / "config.default.py")
                if name in seen:
                    raise ConfigError(f"{source}: middleware {name!r} is listed twice in core_middleware + middleware")
                seen.add(name)
                fn = factories.get(name)
                if fn is None:
                    raise ConfigError(f"{source}: middleware {name!r} not found: add app/middleware/{name}.py "
                                      f"or remove it from the list")
                options = config.get(name)
                options = dict(options) if isinstance(options, dict) else {}
                if options.get("enable") is False:
                    continue
                with self.timing.span(f"Middleware {name}", str(paths[name])):
                    try:
                        mw = fn(options, app)
                    except ConfigError:
                        raise
                    except Exception as exc:
                        raise ConfigError(f"{paths[name]}: middleware({name!r}) raised "
                                          f"{type(exc).__name__}: {one_line(exc)}") from exc
                if not callable(mw) or inspect.isgeneratorfunction(mw):
                    raise ConfigError(f"{paths[name]}: middleware(options, app) must return an async (ctx, next) "
                                      f"function, got {type(mw).__name__}")
                mw = _wrap(mw, options, name, source)
                if not getattr(mw, "_name", None):
                    try:
                        mw._name = name
                    except AttributeError:  # pragma: no cover - bound methods
                        pass
                app.use(mw)
            self.middleware_names = [n for n in names
                                     if not (isinstance(config.get(n), dict) and config[n].get("enable") is False)]
