"""``config.development``: extra folders `eggfast dev` watches and folder names it ignores."""
from __future__ import annotations

import os
from typing import Any

from eggfast.errors import ConfigError

__all__ = ["watch_options"]


def watch_options(app: Any) -> dict[str, list[str]]:
    """``{"watch_dirs": [absolute paths], "ignore_dirs": [folder names]}`` from ``config.development``."""
    conf = app.config.get("development") or {}
    base = str(getattr(app, "base_dir", "") or os.getcwd())
    out: dict[str, list[str]] = {}
    for key in ("watch_dirs", "ignore_dirs"):
        value = conf.get(key) or []
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"config.development.{key}: a list of folder names is required, not {value!r}")
        out[key] = list(value)
    dirs = [os.path.normpath(os.path.join(base, d)) for d in out["watch_dirs"]]
    for given, path in zip(out["watch_dirs"], dirs):
        if not path.startswith(os.path.normpath(base) + os.sep):
            raise ConfigError(f"config.development.watch_dirs: {given!r} is not inside the app folder {base}")
    out["watch_dirs"] = dirs
    return out
