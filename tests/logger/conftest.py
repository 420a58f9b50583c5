"""Fixtures for the logger tests: apps whose logs go to a temporary directory."""
from __future__ import annotations

from typing import Any, Optional

import pytest

from eggfast.koa.application import Application
from eggfast.logger import close_loggers


@pytest.fixture
def log_app(tmp_path, monkeypatch):
    """``log_app(config)`` → an Application with ``base_dir`` = tmp_path; loggers closed after the test.

    EGG_HOME points into tmp_path too, so prod-env apps never write to the real home.
    """
    monkeypatch.setenv("EGG_HOME", str(tmp_path / "home"))
    made: list[Application] = []

    def factory(config: Optional[dict] = None, **extra: Any) -> Application:
        base = {"name": "demo", "base_dir": str(tmp_path), "env": "unittest"}
        base.update(config or {})
        base.update(extra)
        app = Application(base)
        made.append(app)
        return app

    yield factory
    for app in made:
        close_loggers(app)


@pytest.fixture
def read_log(tmp_path):
    """``read_log(name, app_name='demo')`` → the text of ``<tmp>/logs/<app>/<name>`` ('' if missing)."""

    def reader(name: str, app_name: str = "demo") -> str:
        path = tmp_path / "logs" / app_name / name
        return path.read_text(encoding="utf-8") if path.exists() else ""

    return reader
