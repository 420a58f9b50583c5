"""The loader: load units and the stage order (egg-core v5 shape, one mixin per stage).

A *load unit* is a directory shaped like an app: every enabled plugin (in
dependency order), then every framework (eggfast first, then upper
frameworks), then the app.  Stages walk the units in that order.

App worker: plugin → config → extend (application, request, response,
context, helper) → custom loaders → app.py boots (``config_will_load``,
``config_did_load``) → service → middleware → controller → router.
Agent: plugin → config → extend (agent, context) → agent.py boots.
The async hooks (``did_load`` …) run later, from ``await app.ready()``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from eggfast.loader.app_info import AppInfo
from eggfast.errors import ConfigError
from eggfast.egg.lifecycle import Timing
from eggfast.loader.config import ConfigLoaderMixin
from eggfast.loader.controller import ControllerLoaderMixin
from eggfast.loader.custom_loader import CustomLoaderMixin
from eggfast.loader.extend import ExtendLoaderMixin
from eggfast.loader.file_loader import load_module, require_export
from eggfast.loader.middleware import MiddlewareLoaderMixin
from eggfast.loader.plugin import PluginLoaderMixin
from eggfast.loader.router import RouterLoaderMixin
from eggfast.loader.service import ServiceLoaderMixin

#: eggfast's own package: a framework unit whose agent.py is the Agent class, not a boot file
_EGGFAST_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["LoadUnit", "EggLoader", "AppWorkerLoader", "AgentWorkerLoader"]


@dataclass(frozen=True)
class LoadUnit:
    path: Path
    type: str  # "plugin" | "framework" | "app"
    name: str


class EggLoader(
    PluginLoaderMixin,
    ConfigLoaderMixin,
    ExtendLoaderMixin,
    CustomLoaderMixin,
    ServiceLoaderMixin,
    MiddlewareLoaderMixin,
    ControllerLoaderMixin,
    RouterLoaderMixin,
):
    """Shared state and helpers of every stage; subclasses define :meth:`load`."""

    #: the convention file holding ``class Boot``: "app.py" or "agent.py"
    boot_file = "app.py"

    def __init__(self, app: Any, app_info: AppInfo, egg_paths: list[Path],
                 timing: Optional[Timing] = None, options: Optional[dict] = None) -> None:
        self.app = app
        self.app_info = app_info
        self.base_dir = app_info.base_dir
        self.env = app_info.env
        self.egg_paths = [Path(p).resolve() for p in egg_paths]
        self.timing = timing or Timing()
        self.options = options or {}
        self.plugins: dict = {}
        self.ordered_plugins: list = []
        self.config: Any = None
        self.config_meta: dict = {}
        self._units: Optional[list[LoadUnit]] = None

    def get_load_units(self) -> list[LoadUnit]:
        if self._units is None:
            units = [LoadUnit(p.root, "plugin", p.name) for p in self.ordered_plugins]
            units += [LoadUnit(p, "framework", p.name) for p in self.egg_paths]
            units.append(LoadUnit(self.base_dir, "app", self.app_info.name))
            self._units = units
        return self._units

    def load_boots(self) -> None:
        """Construct each unit's ``Boot`` (app.py / agent.py) and run the config hooks.

        In an app or a plugin, app.py / agent.py is the boot file and must define ``Boot``.
        In a framework unit it is a boot file only when it defines ``Boot``; otherwise it is
        the framework package's own module (as eggfast's ``agent.py`` holds ``Agent``).
        """
        lifecycle = self.app.lifecycle
        with self.timing.span(f"Load {self.boot_file}"):
            for unit in self.get_load_units():
                path = unit.path / self.boot_file
                if unit.path == _EGGFAST_ROOT or not path.is_file():
                    continue
                module = load_module(path)
                if unit.type == "framework" and getattr(module, "Boot", None) is None:
                    # A framework is a package: its app.py / agent.py may be the framework's own
                    # module (eggfast keeps its Agent class in agent.py).  For a framework unit the
                    # file is a boot file only when it defines Boot; apps and plugins must.
                    continue
                boot_cls = require_export(module, "Boot", path, "class Boot with lifecycle hooks "
                                          "(config_will_load, did_load, will_ready, before_close, ...)")
                if not isinstance(boot_cls, type):
                    raise ConfigError(f"{path}: 'Boot' must be a class")
                try:
                    boot = boot_cls(self.app)
                except Exception as exc:
                    raise ConfigError(f"{path}: Boot(app) raised {type(exc).__name__}: "
                                      f"{' '.join(str(exc).split())}") from exc
                lifecycle.add_boot(boot, str(path))
        lifecycle.trigger_config_will_load()
        lifecycle.trigger_config_did_load()

    def check_keys(self) -> None:
        if self.env == "prod" and not self.app.config.get("keys"):
            where = self.base_dir / "config" / "config.prod.py"
            raise ConfigError(f"{where}: config 'keys' is required in env 'prod' (cookie signing keys): "
                              f"set config = {{'keys': '<a long random secret>'}} there or pass it in EGG_APP_CONFIG")

    def load(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AppWorkerLoader(EggLoader):
    boot_file = "app.py"

    def load(self) -> None:
        app = self.app
        self.load_plugin()
        app.plugins = self.plugins
        self.load_config()
        app._set_config(self.config)
        self.load_extend("application", type(app))
        self.load_extend("request", app.request_class)
        self.load_extend("response", app.response_class)
        self.load_extend("context", app.context_class)
        self.load_extend("helper", app.helper_class)
        self.load_custom_loader()
        self.load_boots()
        self.check_keys()
        self.load_service()
        self.load_middleware()
        self.load_controller()
        self.load_router()


class AgentWorkerLoader(EggLoader):
    boot_file = "agent.py"

    def load(self) -> None:
        agent = self.app
        self.load_plugin()
        agent.plugins = self.plugins
        self.load_config()
        agent._set_config(self.config)
        self.load_extend("agent", type(agent))
        self.load_extend("context", agent.context_class)
        self.load_boots()
        self.check_keys()
