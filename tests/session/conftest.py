"""Fixtures for the session plugin: the fixture app on either context twin, closed afterwards."""
from __future__ import annotations

from typing import Any, Optional

import pytest

from eggfast import Application

from session_helpers import FIXTURE


@pytest.fixture
async def session_app(context_twin, tmp_path):
    """``await session_app(session={...}, plugins={...}, store=obj)`` → the ready fixture app."""
    made: list[Application] = []

    async def make(*, session: Optional[dict] = None, plugins: Optional[dict] = None, store: Any = None,
                   env: str = "unittest", **config: Any) -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
                   **config}
        if session is not None:
            options["session"] = session
        app = Application(base_dir=FIXTURE, env=env, config=options, plugins=plugins, context_twin=context_twin)
        made.append(app)
        if store is not None:
            app.session_store = store
        await app.ready()
        return app

    yield make
    for app in made:
        await app.close()
