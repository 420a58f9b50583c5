"""The eggfast pytest plugin (entry point ``pytest11: eggfast``; ``pip install eggfast`` enables it).

Fixtures:

* ``app``: a ready :class:`eggfast.mock.MockApplication` for the app at
  ``base_dir``, read from the test module, else from the nearest
  ``conftest.py`` that defines it, else the current directory (a relative
  path is relative to the file that names it).  ``run/`` and ``logs/`` go to
  the test's ``tmp_path``.  Closed after the test.
* ``mock``: the :mod:`eggfast.mock` module.

After every test :func:`eggfast.mock.restore` undoes all mocks (and
``mock.env``).  The fixtures are async: pytest-asyncio runs them (the
generated projects set ``asyncio_mode = "auto"``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator

import pytest

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the test extras install it
    pytest_asyncio = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from eggfast.mock import MockApplication

# eggfast.mock is imported when a test asks for a fixture, not when pytest starts:
# every pytest run of an environment with eggfast installed loads this plugin.


def find_base_dir(request: Any) -> Path:
    """``base_dir`` of the test module, else of the nearest conftest.py above it, else the cwd."""
    module = getattr(request, "module", None)
    if module is not None and getattr(module, "base_dir", None) is not None:
        return (Path(module.__file__).parent / str(module.base_dir)).resolve()
    test_dir = Path(str(request.node.path)).parent.resolve()
    best: tuple[int, Path] | None = None
    for plugin in request.config.pluginmanager.get_plugins():
        file = getattr(plugin, "__file__", None)
        if not file or Path(file).name != "conftest.py" or getattr(plugin, "base_dir", None) is None:
            continue
        folder = Path(file).parent.resolve()
        if folder == test_dir or folder in test_dir.parents:
            depth = len(folder.parts)
            if best is None or depth > best[0]:
                best = (depth, (folder / str(plugin.base_dir)).resolve())
    return best[1] if best else Path(os.getcwd()).resolve()


async def _app(request: Any, tmp_path: Path) -> AsyncIterator["MockApplication"]:
    from eggfast import mock as _mock

    config = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs")}}
    app = _mock.app(find_base_dir(request), config=config)
    try:
        await app.ready()
        yield app
    finally:
        await app.close()


if pytest_asyncio is not None:
    app = pytest_asyncio.fixture(_app, name="app")
else:  # pragma: no cover
    app = pytest.fixture(_app, name="app")


@pytest.fixture(name="mock")
def mock_fixture() -> Any:
    """The :mod:`eggfast.mock` module."""
    from eggfast import mock as _mock

    return _mock


@pytest.fixture(autouse=True)
def _eggfast_mock_restore() -> Iterator[None]:
    yield
    module = sys.modules.get("eggfast.mock")
    if module is not None:
        module.restore()
