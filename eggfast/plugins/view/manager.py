"""``app.view`` (egg-view's ViewManager): the engine registry, template lookup, and rendering.

An engine is a class built once per app as ``Engine(app)`` with two
coroutines: ``render(name, locals, options) -> str`` (``name`` relative to
one of the roots, ``/``-separated) and ``render_string(source, locals,
options) -> str``.  ``config.view.mapping`` chooses the engine by the
file's extension; ``default_view_engine`` renders strings and files whose
extension is not mapped.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Optional

from eggfast.errors import ConfigError

__all__ = ["ViewOptions", "ViewManager", "view_manager", "TemplateNotFoundError"]


class TemplateNotFoundError(LookupError):
    """No root holds the template (a 500: a missing template is a bug of the app)."""


@dataclass(frozen=True)
class ViewOptions:
    """``config.view`` checked: absolute roots, the cache flag, the extension map."""

    roots: tuple[str, ...]
    cache: bool
    default_extension: str
    default_view_engine: str
    mapping: dict[str, str]


def _options(app: Any) -> ViewOptions:
    conf = app.config.get("view") or {}
    base_dir = str(getattr(app, "base_dir", "") or os.getcwd())
    root = conf.get("root")
    if root is None:
        root = [os.path.join(base_dir, "app", "view")]
    elif isinstance(root, str):
        root = [r.strip() for r in root.split(",") if r.strip()]
    if not isinstance(root, (list, tuple)) or not all(isinstance(r, (str, os.PathLike)) for r in root):
        raise ConfigError(f"config.view.root: a folder, a comma-separated string or a list is required, not {root!r}")
    roots = tuple(os.path.join(base_dir, os.fspath(r)) for r in root)
    cache = conf.get("cache")
    if cache is None:
        env = app.config.get("env", "local")
        cache = env != "local"
    ext = conf.get("default_extension", ".html")
    if not isinstance(ext, str) or (ext and not ext.startswith(".")):
        raise ConfigError(f"config.view.default_extension: an extension starting with '.' is required, not {ext!r}")
    mapping = conf.get("mapping") or {}
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and k.startswith(".") and isinstance(v, str)
                                                 for k, v in mapping.items()):
        raise ConfigError(f"config.view.mapping: {{'.ext': 'engine name'}} is required, not {mapping!r}")
    return ViewOptions(roots, bool(cache), ext, conf.get("default_view_engine") or "", dict(mapping))


class ViewManager:
    """``app.view``: ``use(name, Engine)`` registers an engine; ``render``/``render_string`` run one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.options = _options(app)
        self._classes: dict[str, type] = {}
        self._engines: dict[str, Any] = {}

    def use(self, name: str, engine: type) -> None:
        """Register ``engine`` (a class taking the app) under ``name`` for ``config.view.mapping``."""
        if not isinstance(name, str) or not name:
            raise ConfigError("app.view.use(name, engine): a name is required")
        if not isinstance(engine, type) or not callable(getattr(engine, "render", None)):
            raise ConfigError(f"app.view.use({name!r}, engine): engine must be a class with render()")
        self._classes[name] = engine
        self._engines.pop(name, None)

    def check_mapping(self) -> None:
        """Every engine named in ``config.view.mapping`` is registered (checked once all boots ran)."""
        for ext, name in self.options.mapping.items():
            if name not in self._classes:
                raise ConfigError(f"config.view.mapping[{ext!r}]: no view engine {name!r} "
                                  f"(registered: {', '.join(self._classes) or 'none'})")

    def engine(self, name: str) -> Any:
        """The engine instance called ``name`` (built on first use)."""
        engine = self._engines.get(name)
        if engine is None:
            cls = self._classes.get(name)
            if cls is None:
                raise ConfigError(f"no view engine {name!r} (registered: {', '.join(self._classes) or 'none'})")
            engine = self._engines[name] = cls(self.app)
        return engine

    def resolve(self, name: str) -> tuple[str, str]:
        """``(relative name, engine name)`` for a template name; TemplateNotFoundError when no root has it."""
        options = self.options
        rel = name.replace("\\", "/").lstrip("/")
        ext = os.path.splitext(rel)[1]
        if not ext and options.default_extension:
            rel += options.default_extension
            ext = options.default_extension
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts) or "\x00" in rel:
            raise TemplateNotFoundError(f"template name {name!r} is not a plain relative path")
        for root in options.roots:
            if os.path.isfile(os.path.join(root, *parts)):
                break
        else:
            raise TemplateNotFoundError(f"can't find template {rel!r} in {', '.join(options.roots)}")
        engine = options.mapping.get(ext) or options.default_view_engine
        if not engine:
            raise ConfigError(f"no view engine for {rel!r}: add {ext!r} to config.view.mapping "
                              f"or set config.view.default_view_engine")
        return rel, engine

    async def render(self, name: str, locals_: dict, options: Optional[dict] = None) -> str:
        """The template ``name`` rendered with ``locals_``."""
        rel, engine = self.resolve(name)
        return await self.engine(engine).render(rel, locals_, options or {})

    async def render_string(self, source: str, locals_: dict, options: Optional[dict] = None) -> str:
        """``source`` rendered by ``options["view_engine"]`` or the default engine."""
        name = (options or {}).get("view_engine") or self.options.default_view_engine
        if not name:
            raise ConfigError("render_string needs options={'view_engine': ...} or config.view.default_view_engine")
        return await self.engine(name).render_string(source, locals_, options or {})


def view_manager(app: Any) -> ViewManager:
    """``app.view``, made on first use."""
    manager = app.__dict__.get("_eggfast_view")
    if manager is None:
        manager = app.__dict__["_eggfast_view"] = ViewManager(app)
    return manager
