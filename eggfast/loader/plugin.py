"""Stage 1: plugins — declarations, lookup, metadata, env filter, dependency order.

Declarations are read from every framework's ``config/plugin.py`` and
``config/plugin.<env>.py`` (eggfast first), then the app's, then the
``EGG_PLUGINS`` environment variable (JSON), then the ``plugins`` option;
later declarations update earlier ones field by field.  A value is ``True``
/ ``False`` or a dict ``{"enable", "package", "path", "env"}``.

A plugin's own metadata lives in ``<plugin root>/eggfast.toml``::

    [plugin]
    name = "redis"
    dependencies = ["session"]
    optional_dependencies = ["security"]
    env = ["local", "prod"]

(``[tool.eggfast.plugin]`` in a ``pyproject.toml`` also works).  Metadata
fills only what the declaration left empty.  Enabled plugins are ordered by a
depth-first walk in declaration order that puts dependencies first (optional
ones only when enabled).  A dependency that is declared but disabled is
enabled implicitly, with a warning; a missing dependency or a cycle stops
start-up with one line naming the chain.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from eggfast.loader.app_info import read_toml
from eggfast.errors import ConfigError
from eggfast.loader.file_loader import env_file_names, load_module, one_line, require_export

__all__ = ["PluginInfo", "PluginLoaderMixin"]

log = logging.getLogger("eggfast.core.loader")
_FIELDS = ("enable", "package", "path", "env")


@dataclass
class PluginInfo:
    """One plugin: what ``app.plugins[name]`` holds."""

    name: str
    enable: bool = True
    package: Optional[str] = None
    path: Optional[str] = None
    env: list = field(default_factory=list)
    dependencies: list = field(default_factory=list)
    optional_dependencies: list = field(default_factory=list)
    #: the file that declared (last changed) this plugin
    from_: str = ""
    #: enabled only because an enabled plugin depends on it
    implicit: bool = False
    dependents: list = field(default_factory=list)
    #: resolved plugin root (the mini-app directory)
    root: Optional[Path] = None
    meta_file: Optional[str] = None
    _unit_root: Optional[Path] = None
    _resolved: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "enable": self.enable, "package": self.package,
            "path": str(self.root) if self.root else self.path, "env": list(self.env),
            "dependencies": list(self.dependencies), "optional_dependencies": list(self.optional_dependencies),
            "from": self.from_, "implicit": self.implicit, "dependents": list(self.dependents),
        }


def _name_list(value: Any, key: str, name: str, source: Any) -> list[str]:
    """A list of names (``env``, ``dependencies``): a bare string is a mistake, not a list of letters."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        example = "['prod']" if key == "env" else "['session']"
        raise ConfigError(f"{source}: plugin {name!r}: {key!r} must be a list of names such as "
                          f"{example}, not {value!r}")
    return list(value)


class PluginLoaderMixin:
    """``load_plugin()`` fills ``self.all_plugins`` and the ordered ``self.plugins``."""

    base_dir: Path
    env: str
    egg_paths: list
    options: dict

    def load_plugin(self) -> None:
        with self.timing.span("Load Plugin"):
            decls: dict[str, PluginInfo] = {}
            for root in self.egg_paths:
                self._read_plugin_files(root, decls)
            self._read_plugin_files(self.base_dir, decls, app=True)
            raw_env = os.environ.get("EGG_PLUGINS")
            if raw_env:
                try:
                    from_env = json.loads(raw_env)
                except ValueError as exc:
                    raise ConfigError(f"EGG_PLUGINS: invalid JSON: {one_line(exc)}") from None
                self._merge_decls(decls, from_env, "EGG_PLUGINS", self.base_dir)
            if self.options.get("plugins"):
                self._merge_decls(decls, self.options["plugins"], "options.plugins", self.base_dir)
            for info in decls.values():
                if info.enable:
                    self._resolve_plugin(info)
            # env-filtered plugins, enabled or not: none may be enabled implicitly either
            excluded = {n for n, i in decls.items() if i.env and self.env not in i.env}
            for name in excluded:
                decls[name].enable = False
            self.all_plugins = decls
            self._env_excluded = excluded
            order = self._sequencify([n for n, i in decls.items() if i.enable])
            self.plugins = {name: decls[name] for name in order}
            self.ordered_plugins = [decls[name] for name in order]

    # -- declarations ---------------------------------------------------------
    def _read_plugin_files(self, root: Path, decls: dict, app: bool = False) -> None:
        for name in env_file_names("plugin.py", "plugin", self.env):
            path = Path(root) / "config" / name
            if not path.is_file():
                continue
            module = load_module(path)
            value = require_export(module, "plugin", path, "a dict such as plugin = {'session': False}")
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: 'plugin' must be a dict of name -> True/False or "
                                  f"{{'enable', 'package', 'path', 'env'}}, not {type(value).__name__}")
            self._merge_decls(decls, value, str(path), Path(root))

    def _merge_decls(self, decls: dict, value: dict, source: str, unit_root: Path) -> None:
        for name, spec in value.items():
            if isinstance(spec, bool):
                spec = {"enable": spec}
            if not isinstance(spec, dict):
                raise ConfigError(f"{source}: plugin {name!r} must be True/False or a dict, not {type(spec).__name__}")
            unknown = set(spec) - set(_FIELDS)
            if unknown:
                raise ConfigError(f"{source}: plugin {name!r} has unknown key(s) {sorted(unknown)}; "
                                  f"allowed: {list(_FIELDS)}")
            info = decls.get(name)
            if info is None:
                info = decls[name] = PluginInfo(name=name)
            if spec.get("package") or spec.get("path"):
                info.package = spec.get("package")
                info.path = spec.get("path")
                info._unit_root = unit_root
                info._resolved = False
            if "enable" in spec:
                info.enable = bool(spec["enable"])
            if "env" in spec:
                info.env = _name_list(spec["env"], "env", name, source)
            info.from_ = source

    # -- lookup and metadata --------------------------------------------------
    def _resolve_plugin(self, info: PluginInfo) -> None:
        if info._resolved:
            return
        source = info.from_
        if info.path:
            root = Path(info.path)
            if not root.is_absolute():
                root = (info._unit_root or self.base_dir) / root
            if not root.is_dir():
                raise ConfigError(f"{source}: plugin {info.name!r}: path {root} is not a directory")
        elif info.package:
            if "/" in info.package or os.sep in info.package:
                raise ConfigError(f"{source}: plugin {info.name!r}: package {info.package!r} looks like a "
                                  f"path; use 'path' instead of 'package'")
            try:
                spec = importlib.util.find_spec(info.package)
            except (ImportError, ValueError):
                spec = None
            if spec is None:
                raise ConfigError(f"{source}: plugin {info.name!r}: cannot find package {info.package!r}; "
                                  f"install it (pip install) or declare a 'path'")
            if spec.submodule_search_locations:
                root = Path(list(spec.submodule_search_locations)[0])
            else:
                raise ConfigError(f"{source}: plugin {info.name!r}: {info.package!r} is a module, "
                                  f"not a package directory")
        else:
            raise ConfigError(f"{source}: plugin {info.name!r} is enabled but has neither 'package' nor 'path'; "
                              f"declare where it lives")
        info.root = root.resolve()
        meta, meta_file = self._plugin_meta(info.root)
        info.meta_file = meta_file
        if meta.get("name") and meta["name"] != info.name:
            log.warning("plugin %r is declared as %r in %s (the declaration's name is used)",
                        meta["name"], info.name, meta_file)
        for key in ("dependencies", "optional_dependencies"):
            if not getattr(info, key) and meta.get(key):
                setattr(info, key, _name_list(meta[key], key, info.name, meta_file))
        if not info.env and meta.get("env"):
            info.env = _name_list(meta["env"], "env", info.name, meta_file)
        info._resolved = True

    @staticmethod
    def _plugin_meta(root: Path) -> tuple[dict, Optional[str]]:
        toml = root / "eggfast.toml"
        if toml.is_file():
            return read_toml(toml).get("plugin") or {}, str(toml)
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            meta = ((read_toml(pyproject).get("tool") or {}).get("eggfast") or {}).get("plugin")
            if meta:
                return meta, str(pyproject)
        return {}, None

    # -- order ------------------------------------------------------------------
    def _sequencify(self, names: list[str]) -> list[str]:
        decls = self.all_plugins
        done: list[str] = []
        seen: set[str] = set()

        def where(name: str) -> str:
            info = decls[name]
            return info.meta_file or info.from_

        def visit(name: str, chain: list[str]) -> None:
            if chain and name in decls and chain[-1] not in decls[name].dependents:
                decls[name].dependents.append(chain[-1])
            if name in seen:
                return
            if name in chain:
                cycle = " -> ".join(chain[chain.index(name):] + [name])
                raise ConfigError(f"{where(chain[-1])}: plugin dependency cycle: {cycle}; remove one of these dependencies")
            info = decls.get(name)
            if info is not None and not info.enable and name not in self._env_excluded:
                # a disabled dependency: its metadata may restrict it to other envs
                self._resolve_plugin(info)
                if info.env and self.env not in info.env:
                    self._env_excluded.add(name)
            if info is None or name in self._env_excluded:
                parent = chain[-1]
                why = (f"not enabled in env {self.env!r}" if name in self._env_excluded
                       else "not declared in any config/plugin.py")
                path = " -> ".join(chain + [name])
                raise ConfigError(f"{where(parent)}: plugin {parent!r} requires plugin {name!r}, which is {why} "
                                  f"(chain: {path}); declare and enable it in {self.base_dir / 'config' / 'plugin.py'}")
            if not info.enable:
                info.enable = True
                info.implicit = True
                log.warning("plugin %r is disabled but required by %r: enabled implicitly", name, chain[-1])
            for dep in info.dependencies:
                visit(dep, chain + [name])
            for dep in info.optional_dependencies:
                other = decls.get(dep)
                if other is not None and other.enable and dep not in self._env_excluded:
                    visit(dep, chain + [name])
            seen.add(name)
            done.append(name)

        for name in names:
            visit(name, [])
        return done
