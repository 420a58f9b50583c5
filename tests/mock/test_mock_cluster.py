"""mock.cluster: `eggfast start` in real processes, requests over a real socket, stopped by PID."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from eggfast import mock

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "mock-app"


async def test_cluster_serves_over_a_socket(tmp_path):
    base = tmp_path / "mock-app"
    shutil.copytree(FIXTURE, base)  # run/ and logs/ of the cluster stay in tmp_path
    app = mock.cluster(base, workers=2, timeout=60)
    try:
        await asyncio.wait_for(app.ready(), 90)
        assert app.process is not None and app.process.poll() is None
        await app.http_request().get("/").expect(200, "home").expect("content-type", "text/plain; charset=utf-8")
        await app.http_request().get("/user/7").expect(200, {"user": {"id": "7", "name": "user-7"}, "label": "#7"})
        app.mock_headers({"x-token": "abc"})
        await app.http_request().post("/echo").send({"a": 1}).expect(403)  # real CSRF check in the worker
        await app.http_request().get("/env").expect(200, {"env": "unittest", "env_name": "unittest"})
    finally:
        await asyncio.wait_for(app.close(), 90)
    assert app.process.returncode is not None
