"""Fixtures for the security plugin: the ``security`` fixture app on both context twins.

``secure_app(config=None, env="unittest")`` builds tests/fixtures/apps/security with
``config`` merged over its own.  Tests import ``call`` and ``FIXTURE`` from
security_helpers (never from a module called ``conftest``, which is ambiguous
when several test folders are collected together).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

import pytest

from eggfast import Application
from eggfast.logger import close_loggers
from security_helpers import FIXTURE


@pytest.fixture
def secure_app(tmp_path, context_twin):
    made: list = []

    def make(config: Optional[dict] = None, env: str = "unittest") -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False}}
        options.update(config or {})
        if env == "prod":
            options.setdefault("keys", "prod-key")
        app = Application(base_dir=FIXTURE, env=env, config=options, context_twin=context_twin)
        made.append(app)
        return app

    yield make
    for app in made:
        close_loggers(app)


@pytest.fixture
def app(secure_app) -> Application:
    return secure_app()


@pytest.fixture
def warnings_of():
    """``warnings_of(app)`` → the list of WARNING+ messages its loggers emit from now on."""
    handlers = []

    def attach(app: Any) -> list[str]:
        seen: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.WARNING:
                    seen.append(record.getMessage())

        handler = Keep()
        for logger in (app.logger, app.core_logger):
            logger.addHandler(handler)
            handlers.append((logger, handler))
        return seen

    yield attach
    for logger, handler in handlers:
        logger.removeHandler(handler)
