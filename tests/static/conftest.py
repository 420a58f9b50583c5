"""Fixtures for the static plugin: a copy of tests/fixtures/apps/static per test, on both context twins."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Optional

import pytest

from eggfast import Application
from eggfast.logger import close_loggers

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "static"


@pytest.fixture
def static_root(tmp_path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(FIXTURE, root, symlinks=True)
    return root


@pytest.fixture
async def static_app(static_root, tmp_path, context_twin):
    """``await static_app(static={...}, env=...)`` → the ready fixture app (a fresh copy under tmp_path)."""
    made: list[Application] = []

    async def make(static: Optional[dict] = None, env: str = "unittest", **config: Any) -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
                   **config}
        if static is not None:
            options["static"] = static
        if env == "prod":
            options.setdefault("keys", "prod-key")
        app = Application(base_dir=static_root, env=env, config=options, context_twin=context_twin)
        made.append(app)
        await app.ready()
        return app

    yield make
    for app in made:
        await app.close()
        close_loggers(app)
