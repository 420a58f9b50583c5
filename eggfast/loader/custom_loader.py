"""Stage: custom loaders — ``config.custom_loader`` (Egg's ``customLoader``).

    config = {"custom_loader": {
        "model": {"directory": "app/model", "inject": "app"},     # app.model.user
        "repo":  {"directory": "app/repo", "inject": "ctx"},      # ctx.repo.user (lazy, per request)
    }}

Options: ``directory`` (relative to each unit's root, or absolute),
``inject`` (``"app"`` or ``"ctx"``), ``load_unit`` (also load the directory
from plugins and frameworks; default False: the app only), ``case_style``
(``"lower"``: names as files, the default; ``"upper"``: ``user_info.py`` →
``UserInfo``), ``export`` (the name each file exports; default: the one
class the file defines, else the module itself).  A property that already
exists on the app or context is an error, and so is a name that a later stage
defines (:data:`RESERVED`: ``service``, ``controller``, ``middleware``,
``router``, ...), which would otherwise silently replace the custom loader.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from eggfast.errors import ConfigError
from eggfast.loader.context_loader import ContextProperty
from eggfast.loader.file_loader import FileLoader, Namespace, defined_classes, require_export

__all__ = ["CustomLoaderMixin", "RESERVED"]

#: names set on the app or on ctx by the stages that run after the custom loaders
RESERVED = {
    "service": "the service stage (app/service/ -> ctx.service)",
    "service_classes": "the service stage (app/service/ -> app.service_classes)",
    "middleware": "the middleware stage (app/middleware/ -> app.middleware)",
    "controller": "the controller stage (app/controller/ -> app.controller)",
    "router": "the router stage (app/router.py -> app.router)",
}


def _upper(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class CustomLoaderMixin:
    def load_custom_loader(self) -> None:
        spec = self.config.get("custom_loader") or {}
        if not spec:
            return
        source = self.config_meta.get("custom_loader")
        with self.timing.span("Load custom loaders"):
            for prop, opts in spec.items():
                where = _first_leaf(source.get(prop) if isinstance(source, dict) else source)
                self._load_one_custom(prop, opts or {}, str(where))

    def _load_one_custom(self, prop: str, opts: dict, source: str) -> None:
        directory = opts.get("directory")
        inject = opts.get("inject", "app")
        if not directory:
            raise ConfigError(f"{source}: custom_loader.{prop} needs a 'directory'")
        if inject not in ("app", "ctx"):
            raise ConfigError(f"{source}: custom_loader.{prop}.inject must be 'app' or 'ctx', not {inject!r}")
        target: Any = self.app if inject == "app" else self.app.context_class
        if hasattr(target, prop):
            raise ConfigError(f"{source}: custom_loader.{prop}: {'app' if inject == 'app' else 'ctx'}.{prop} "
                              f"already exists; pick another name")
        if prop in RESERVED:  # not there yet, but a later stage would overwrite it
            raise ConfigError(f"{source}: custom_loader.{prop}: the name {prop!r} is reserved for "
                              f"{RESERVED[prop]}; pick another name")
        units = self.get_load_units() if opts.get("load_unit") else [u for u in self.get_load_units() if u.type == "app"]
        dirs = [Path(directory) if Path(directory).is_absolute() else u.path / directory for u in units]
        export = opts.get("export")
        upper = opts.get("case_style") == "upper"

        def resolve(module: ModuleType, path: Path, dotted: str) -> Any:
            if export:
                return require_export(module, export, path, f"custom_loader.{prop}.export")
            classes = defined_classes(module)
            if len(classes) == 1:
                classes[0].path_name = dotted
                classes[0].full_path = str(path)
                return classes[0]
            return module

        tree = Namespace(prop)
        loader = FileLoader(dirs, tree, resolve=resolve, root_name=prop)
        if upper:
            loader_files = loader.files

            def files():  # rename the last segment
                for path, names in loader_files():
                    yield path, names[:-1] + [_upper(names[-1])]

            loader.files = files  # type: ignore[method-assign]
        loader.load()
        if inject == "app":
            setattr(self.app, prop, tree)
        else:
            setattr(self.app.context_class, prop, ContextProperty(prop, tree))
        self.app.custom_loaded = getattr(self.app, "custom_loaded", {})
        self.app.custom_loaded[prop] = tree


def _first_leaf(meta: Any) -> Any:
    while isinstance(meta, dict) and meta:
        meta = next(iter(meta.values()))
    return meta or "config.custom_loader"
