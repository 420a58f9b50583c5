"""Stage: router — the app's ``app/router.py`` exports ``setup(app)``.

``setup`` registers routes on ``app.router``; a ``RouterError`` raised there
(bad path, unknown ``"controller.action"``) stops start-up naming the file.
"""
from __future__ import annotations

from eggfast.errors import ConfigError, RouterError
from eggfast.loader.file_loader import load_module, one_line, require_export

__all__ = ["RouterLoaderMixin"]


class RouterLoaderMixin:
    def load_router(self) -> None:
        path = self.base_dir / "app" / "router.py"
        with self.timing.span("Load Router", str(path)):
            if not path.is_file():
                return
            module = load_module(path)
            setup = require_export(module, "setup", path, "def setup(app): app.router.get('/', app.controller.home.index)")
            if not callable(setup):
                raise ConfigError(f"{path}: 'setup' must be a function setup(app)")
            try:
                setup(self.app)
            except ConfigError:
                raise
            except RouterError as exc:
                raise ConfigError(f"{path}: {one_line(exc)}") from exc
            except Exception as exc:
                raise ConfigError(f"{path}: setup(app) raised {type(exc).__name__}: {one_line(exc)}") from exc
