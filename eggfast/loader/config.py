"""Stage 2: config — env files merged deep in Egg's order, ``EGG_APP_CONFIG`` last.

For each file name (``config.default.py``, then ``config.<env>.py``), every
load unit is merged in unit order: plugins (dependency order) → frameworks
(eggfast first) → the app.  So an app's ``config.default.py`` wins over a
framework's, and any unit's ``config.<env>.py`` wins over every
``config.default.py`` (this is Egg's order).  Dicts merge deep; lists and
every other value replace.  A file exports ``config``: a dict, or a function
``config(app_info)`` returning one (plugins and frameworks may take a second
argument: the app's own preloaded config).  ``EGG_APP_CONFIG`` (JSON) merges
last.  Only the app may set ``middleware``; only frameworks may set
``core_middleware`` (plugins append to it from their ``app.py``).

``self.config_meta`` mirrors the config and records, for each leaf, the file
that set it; it is dumped to ``run/application_config_meta.json``.
"""
from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

from eggfast.attrdict import AttrDict
from eggfast.attrdict import deep_merge
from eggfast.errors import ConfigError
from eggfast.loader.file_loader import env_file_names, load_module, one_line, require_export

__all__ = ["ConfigLoaderMixin", "deep_merge"]

#: common misspellings and Egg's camelCase names → the key eggfast reads
_CONFUSED = {
    "bodyparser": "body_parser", "bodyParser": "body_parser", "notFound": "notfound", "not_found": "notfound",
    "siteFile": "site_file", "sitefile": "site_file", "middlewares": "middleware",
    "coreMiddleware": "core_middleware", "core_middlewares": "core_middleware",
    "customLoader": "custom_loader", "overrideMethod": "override_method",
}


class ConfigLoaderMixin:
    """``load_config()`` sets ``self.config`` (an AttrDict) and ``self.config_meta``."""

    def load_config(self) -> None:
        with self.timing.span("Load Config"):
            target: dict = {}
            meta: dict = {}
            app_config = self._preload_app_config()
            for file_name in env_file_names("config.default.py", "config", self.env):
                for unit in self.get_load_units():
                    path = unit.path / "config" / file_name
                    if not path.is_file():
                        continue
                    if unit.type == "app" and path in app_config:
                        value = app_config[path]
                    else:
                        value = self._read_config_file(path, unit, app_config.get("merged", {}))
                    self._check_config(value, unit, path)
                    deep_merge(target, value, meta, str(path))
            if self.options.get("config"):
                deep_merge(target, dict(self.options["config"]), meta, "options.config")
            raw = os.environ.get("EGG_APP_CONFIG")
            if raw:
                try:
                    extra = json.loads(raw)
                except ValueError as exc:
                    raise ConfigError(f"EGG_APP_CONFIG: invalid JSON: {one_line(exc)}") from None
                if not isinstance(extra, dict):
                    raise ConfigError("EGG_APP_CONFIG: must be a JSON object")
                deep_merge(target, extra, meta, "EGG_APP_CONFIG")
            target.setdefault("core_middleware", [])
            target.setdefault("middleware", [])
            target["env"] = self.env
            self.config = AttrDict(target)
            self.config_meta = meta

    def _preload_app_config(self) -> dict:
        """The app's own default + env config, given to plugin/framework config functions."""
        out: dict = {}
        merged: dict = {}
        for file_name in env_file_names("config.default.py", "config", self.env):
            path = self.base_dir / "config" / file_name
            if path.is_file():
                value = self._read_config_file(path, None, {})
                out[path] = value
                deep_merge(merged, value)
        out["merged"] = merged
        return out

    def _read_config_file(self, path: Path, unit: Any, app_config: dict) -> dict:
        module = load_module(path)
        value = require_export(module, "config", path, "a dict, or a function config(app_info) returning one")
        if callable(value):
            try:
                params = len(inspect.signature(value).parameters)
            except (TypeError, ValueError):  # pragma: no cover - builtins
                params = 1
            try:
                if params >= 2:
                    value = value(self.app_info, AttrDict(app_config))
                elif params == 1:
                    value = value(self.app_info)
                else:
                    value = value()
            except ConfigError:
                raise
            except Exception as exc:
                raise ConfigError(f"{path}: config() raised {type(exc).__name__}: {one_line(exc)}") from exc
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: 'config' must be a dict (or a function returning one), "
                              f"not {type(value).__name__}")
        return value

    def _check_config(self, value: dict, unit: Any, path: Path) -> None:
        for key in value:
            if key in _CONFUSED and _CONFUSED[key] != key:
                raise ConfigError(f"{path}: config key {key!r} is not read by eggfast; "
                                  f"did you mean {_CONFUSED[key]!r}?")
        if "core_middleware" in value and unit.type in ("app", "plugin"):
            raise ConfigError(f"{path}: only frameworks may set 'core_middleware'; "
                              f"list app middleware in 'middleware' (plugins append to core_middleware in app.py)")
        if value.get("middleware") and unit.type != "app":
            raise ConfigError(f"{path}: only the app may set 'middleware'; a {unit.type} adds its middleware "
                              f"to config.core_middleware from its app.py")
