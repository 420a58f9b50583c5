"""``AppInfo``: what a config function receives (Egg's ``appInfo``).

The app's name comes from ``eggfast.toml`` ``[app] name``, else the
``[project] name`` of ``pyproject.toml`` in ``base_dir``, else the folder's
name.  ``root`` is ``base_dir`` in the local and unittest envs and the home
directory otherwise (as Egg does), so logs land next to the code while
developing and under ``~`` in production.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from eggfast.errors import ConfigError

__all__ = ["AppInfo", "read_toml", "detect_env", "app_name"]


def read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error is a one-line :class:`ConfigError` naming it."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def detect_env(base_dir: Path, env: Optional[str] = None) -> str:
    """``env`` argument > ``EGG_SERVER_ENV`` > ``config/env`` file > ``"local"``."""
    if env:
        return env
    from_var = os.environ.get("EGG_SERVER_ENV", "").strip()
    if from_var:
        return from_var
    env_file = base_dir / "config" / "env"
    if env_file.is_file():
        text = env_file.read_text(encoding="utf-8").strip()
        if text:
            return text
    return "local"


def app_name(base_dir: Path) -> str:
    meta = read_toml(base_dir / "eggfast.toml").get("app") or {}
    if meta.get("name"):
        return str(meta["name"])
    project = read_toml(base_dir / "pyproject.toml").get("project") or {}
    if project.get("name"):
        return str(project["name"])
    return base_dir.name


@dataclass
class AppInfo:
    """``name, base_dir, env, root, home`` (+ ``pkg``: the app's ``eggfast.toml``)."""

    name: str
    base_dir: Path
    env: str
    root: Path
    home: Path
    pkg: dict = field(default_factory=dict)

    @classmethod
    def from_base_dir(cls, base_dir: Path | str, env: Optional[str] = None) -> "AppInfo":
        base = Path(base_dir).resolve()
        if not base.is_dir():
            raise ConfigError(f"{base}: base_dir is not a directory: pass the folder that holds app/ and config/")
        the_env = detect_env(base, env)
        home = Path(os.environ.get("EGG_HOME") or Path.home())
        root = base if the_env in ("local", "unittest") else home
        return cls(app_name(base), base, the_env, root, home, read_toml(base / "eggfast.toml"))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "base_dir": str(self.base_dir), "env": self.env,
                "root": str(self.root), "home": str(self.home)}
