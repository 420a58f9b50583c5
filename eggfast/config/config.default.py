"""eggfast's own defaults: the base of every app's config (SPEC §3).

Merged first (before upper frameworks and the app).  The core middleware,
onerror and logger defaults live in ``eggfast/config/core_defaults.py``.
"""
from __future__ import annotations

from typing import Any

from eggfast.koa.application import DEFAULT_CONFIG
from eggfast.loader.config import deep_merge

try:
    from eggfast.config.core_defaults import CONFIG as CORE_DEFAULTS
except ImportError:  # pragma: no cover - core defaults not shipped
    CORE_DEFAULTS = {}

#: the core middleware, in Egg's order (plugins append theirs from app.py)
CORE_MIDDLEWARE = ["meta", "site_file", "notfound", "body_parser", "override_method"]


def config(app_info: Any) -> dict:
    cfg: dict[str, Any] = deep_merge({}, DEFAULT_CONFIG)
    cfg.update({
        "name": app_info.name,
        "env": app_info.env,
        "base_dir": str(app_info.base_dir),
        "root": str(app_info.root),
        "home": str(app_info.home),
        "rundir": str(app_info.base_dir / "run"),
        # cookie signing keys, comma-separated: required in prod
        "keys": "",
        "core_middleware": list(CORE_MIDDLEWARE),
        "middleware": [],
        # seconds before a running boot hook is logged as slow
        "boot_timeout": 10,
        # extra config keys to mask in run/*_config.json (names or "^regex")
        "dump": {"ignore": []},
        # name -> {directory, inject: "app" | "ctx", load_unit, case_style, export}
        "custom_loader": {},
        "cluster": {"listen": {"hostname": "127.0.0.1", "port": 7001}},
    })
    deep_merge(cfg, CORE_DEFAULTS)
    return cfg
