"""The pytest plugin's ``app`` fixture: ``base_dir`` read from this module, app ready, closed after."""
from __future__ import annotations

from pathlib import Path

from eggfast.pytest_plugin import find_base_dir

base_dir = "../fixtures/apps/mock-app"


async def test_app_fixture_reads_module_base_dir(app, request, mock):
    assert Path(app.base_dir) == (Path(__file__).parent / base_dir).resolve() == find_base_dir(request)
    assert app.is_ready
    await app.http_request().get("/").expect(200, "home")
    app.mock_service("user", "label", "mocked")
    await app.http_request().get("/user/1").expect(200, {"user": {"id": "1", "name": "user-1"}, "label": "mocked"})
    assert mock.app is not None


async def test_mocks_were_restored_after_the_previous_test(app):
    # the autouse fixture ran mock.restore() after the previous test (and this app is a new one)
    await app.http_request().get("/user/1").expect(200, {"user": {"id": "1", "name": "user-1"}, "label": "#1"})
    assert not Path(app.rundir).is_relative_to(app.base_dir)  # run/ lives in tmp_path
