"""eggfast's own config: the base of every app's config (SPEC §3).

Merged first (before upper frameworks and the app).  The values live in
``eggfast/defaults.py``; this file adds those that come from ``app_info``.
"""
from __future__ import annotations

from typing import Any

from eggfast.attrdict import deep_merge
from eggfast.defaults import CONFIG, KOA


def config(app_info: Any) -> dict:
    cfg: dict[str, Any] = deep_merge(deep_merge({}, KOA), CONFIG)
    cfg.update({
        "name": app_info.name,
        "env": app_info.env,
        "base_dir": str(app_info.base_dir),
        "root": str(app_info.root),
        "home": str(app_info.home),
        "rundir": str(app_info.base_dir / "run"),
    })
    return cfg
