"""A two-level framework (examples/framework): yadan → yadan_plus → demo app (SPEC §4)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import eggfast
from loader_helpers import request
from eggfast.errors import ConfigError
from eggfast.start import resolve_framework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "framework"


@pytest.fixture
def clean_imports(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in ("yadan", "yadan_plus"):
        sys.modules.pop(name, None)


async def test_two_level_framework(clean_imports, options):
    app = await eggfast.start(base_dir=EXAMPLES / "demo", env="unittest", **options())
    try:
        import yadan
        import yadan_plus

        assert isinstance(app, yadan_plus.Application) and isinstance(app, yadan.Application)
        assert isinstance(app.agent, yadan_plus.Agent)
        kinds = [(u.type, u.path.name) for u in app.loader.get_load_units() if u.type != "plugin"]
        assert kinds == [("framework", "eggfast"), ("framework", "yadan"), ("framework", "yadan_plus"),
                         ("app", "demo")]
        c = app.config
        assert (c.framework_name, c.level, c.yadan_only) == ("yadan_plus", "app", True)
        assert "view" not in app.plugins and "static" in app.plugins
        assert app.loader.middleware_names[-1] == "yadan_header"
        res = await request(app, "GET", "/")
        body = res.json()
        assert body["framework"] == "yadan_plus" and body["level"] == "app"
        assert body["audit"].startswith("audited index at ")
        assert res.header("x-framework") == "yadan_plus"
    finally:
        await app.close()


def test_framework_errors(tmp_path, clean_imports):
    with pytest.raises(ConfigError, match="--framework: framework 'no_such_framework_pkg' cannot be imported"):
        resolve_framework(tmp_path, "no_such_framework_pkg")
    with pytest.raises(ConfigError, match="should define Application"):
        resolve_framework(tmp_path, "json")
    (tmp_path / "eggfast.toml").write_text('[app]\nframework = "./missing"\n')
    with pytest.raises(ConfigError, match="eggfast.toml: framework path .* is not a directory"):
        resolve_framework(tmp_path)
