"""Helpers for the Egg-layer tests: fixture apps under tests/fixtures/apps/<name>/.

``make_app(name)`` builds ``Application(base_dir=...)`` (env ``unittest``,
run/ and logs/ redirected to tmp_path) and closes its loggers afterwards;
``load_error(name)`` returns the one-line ConfigError message a broken
fixture stops with; ``request(app, method, url)`` serves one request
in-process and returns a small response record.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import pytest

from eggfast import Application
from eggfast.errors import ConfigError
from eggfast.logger import close_loggers

from loader_helpers import FIXTURES, Result, fixture_dir, request  # noqa: F401  (fixtures use some; tests import them from loader_helpers)


def _options(tmp_path: Path, config: Optional[dict]) -> dict:
    base = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False}}
    for key, value in (config or {}).items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return base


@pytest.fixture
def make_app(tmp_path):
    made: list = []

    def make(name: str, env: str = "unittest", config: Optional[dict] = None, **kwargs: Any) -> Application:
        app = Application(base_dir=fixture_dir(name), env=env, config=_options(tmp_path, config), **kwargs)
        made.append(app)
        return app

    yield make
    for app in made:
        close_loggers(app)


@pytest.fixture
def load_error(tmp_path):
    def load(name: str, env: str = "unittest", config: Optional[dict] = None, **kwargs: Any) -> str:
        with pytest.raises(ConfigError) as info:
            Application(base_dir=fixture_dir(name), env=env, config=_options(tmp_path, config), **kwargs)
        message = str(info.value)
        assert "\n" not in message, message
        return message

    return load


@pytest.fixture
def options(tmp_path):
    """Keyword options that keep run/ and logs/ inside tmp_path."""
    return lambda config=None: {"config": _options(tmp_path, config)}
