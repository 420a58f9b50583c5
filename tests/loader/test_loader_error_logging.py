"""How an Egg app logs the errors its requests end with (both core twins).

A client error (status < 500: bad JSON, 404, a thrown 422) is one WARN line
with no traceback, so a client cannot make the server write tracebacks;
a 5xx is logged at ERROR with its traceback; at DEBUG a 4xx has it too.
"""
from __future__ import annotations

import re

import pytest

from loader_helpers import request

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARN|ERROR) \d+ ")
JSON = {"accept": "application/json", "content-type": "application/json"}


@pytest.fixture
def egg_app(make_app, context_twin, tmp_path):
    async def factory(**logger):
        app = make_app("onerror", config={"logger": logger} if logger else None, context_twin=context_twin)
        await app.ready()
        return app

    return factory


def read(tmp_path, name):
    path = tmp_path / "logs" / name
    return path.read_text() if path.exists() else ""


async def test_bad_json_400_is_one_warn_line(egg_app, tmp_path):
    app = await egg_app()
    res = await request(app, "POST", "/json?x=1", headers=JSON, body=b'{"a":')
    assert res.status == 400
    web = read(tmp_path, "onerror-web.log")
    lines = web.splitlines()
    assert len(lines) == 1, web
    assert LINE.match(lines[0]).group(1) == "WARN"
    assert "[127.0.0.1/-/" in lines[0] and "ms POST /json?x=1] 400 SyntaxError: " in lines[0]
    assert "check body_parser config" in lines[0]
    assert "Traceback" not in web
    assert read(tmp_path, "common-error.log") == ""
    await app.close()


async def test_client_errors_never_write_tracebacks(egg_app, tmp_path):
    app = await egg_app()
    for _ in range(5):
        assert (await request(app, "POST", "/json", headers=JSON, body=b"{nope")).status == 400
        assert (await request(app, "GET", "/bad")).status == 422
        assert (await request(app, "GET", "/no/such/route")).status == 404  # notfound: no error at all
    web = read(tmp_path, "onerror-web.log")
    assert len(web.splitlines()) == 10 and "Traceback" not in web
    assert web.count("ms GET /bad] 422 HttpError: name is required\n") == 5
    await app.close()


async def test_5xx_logs_the_traceback_at_error(egg_app, tmp_path):
    app = await egg_app()
    assert (await request(app, "GET", "/boom")).status == 500
    web = read(tmp_path, "onerror-web.log")
    first, *rest = web.splitlines()
    assert LINE.match(first).group(1) == "ERROR"
    assert "ms GET /boom] RuntimeError: database password leaked here" in first
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "RuntimeError: database password leaked here"
    assert "Traceback (most recent call last):" in read(tmp_path, "common-error.log")
    await app.close()


async def test_at_debug_level_a_4xx_has_its_traceback(egg_app, tmp_path):
    app = await egg_app(level="DEBUG")
    assert (await request(app, "POST", "/json", headers=JSON, body=b'{"a":')).status == 400
    web = read(tmp_path, "onerror-web.log")
    first, *rest = web.splitlines()
    assert LINE.match(first).group(1) == "WARN" and "] 400 SyntaxError: " in first
    assert rest and rest[0] == "Traceback (most recent call last):"
    assert "JSONSyntaxError" in web
    assert read(tmp_path, "common-error.log") == ""
    await app.close()
