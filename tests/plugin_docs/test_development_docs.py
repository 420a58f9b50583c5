"""docs/development.md's example config, loaded in the local env."""
from __future__ import annotations

from docs_helpers import files_of, serve

from eggfast.plugins.development.options import watch_options


async def test_the_development_example(tmp_path, context_twin):
    files = files_of("development.md", "Example")
    files["config/config.default.py"] = 'config = {"keys": "docs-key"}\n'
    (tmp_path / "app" / "lib").mkdir(parents=True)
    app = await serve(tmp_path, context_twin, files, env="local")
    try:
        assert "development" in app.plugins
        assert watch_options(app) == {"watch_dirs": [str(tmp_path / "app" / "lib")], "ignore_dirs": ["fixtures"]}
    finally:
        await app.close()
