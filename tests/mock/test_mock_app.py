"""eggfast.mock: mock.app + http_request (both context twins) and every mock, each restored."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from eggfast import mock
from eggfast.mock import MockApplication

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "mock-app"



@pytest.fixture
async def app(context_twin, tmp_path):
    made = mock.app(FIXTURE, context_twin=context_twin,
                    config={"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False}})
    await asyncio.wait_for(made.ready(), 30)
    yield made
    await made.close()


async def test_ready_and_fluent_request(app: MockApplication):
    assert app.config.keys  # attributes of the real application
    res = await app.http_request().get("/").expect(200).expect("home").expect("content-type", re.compile("^text/plain"))
    assert res.text == "home"
    await app.http_request().get("/nope").expect(404)
    with pytest.raises(AssertionError, match="expected status 201, got 200"):
        await app.http_request().get("/").expect(201)
    with pytest.raises(AssertionError, match="expected header"):
        await app.http_request().get("/").expect("content-type", "application/json")
    with pytest.raises(AssertionError, match="expected body"):
        await app.http_request().get("/").expect("other")


async def test_post_json_form_header_and_csrf(app: MockApplication):
    # without a token the security plugin refuses the POST
    await app.http_request().post("/echo").send({"a": 1}).expect(403)
    app.mock_csrf()
    await (app.http_request().post("/echo").set("x-token", "t1").send({"a": 1})
           .expect(200, {"body": {"a": 1}, "type": "application/json", "x_token": "t1"}))
    res = await app.http_request().post("/echo").send("a=1&b=2").expect(200)
    assert res.json()["body"] == {"a": "1", "b": "2"}
    res = await app.http_request().post("/echo").type("form").send({"a": "x"}).expect(200)
    assert res.json()["body"] == {"a": "x"}
    mock.restore()
    await app.http_request().post("/echo").send({"a": 1}).expect(403)


async def test_attach(app: MockApplication, tmp_path):
    app.mock_csrf()
    path = tmp_path / "hello.txt"
    path.write_bytes(b"file-content")
    res = await app.http_request().post("/upload").field("title", "t").attach("file", path).expect(200)
    assert res.json() == {"type": "multipart/form-data", "size": res.json()["size"], "has_file": True,
                          "has_field": True}


async def test_mock_service_value_and_exception(app: MockApplication):
    await app.http_request().get("/user/1").expect(200, {"user": {"id": "1", "name": "user-1"}, "label": "#1"})
    app.mock_service("user", "find", {"id": "1", "name": "mocked"})
    app.mock_service("user", "label", "L")  # a sync method stays sync
    await app.http_request().get("/user/1").expect(200, {"user": {"id": "1", "name": "mocked"}, "label": "L"})
    app.mock_service("user", "find", LookupError("gone"))
    await app.http_request().get("/user/1").expect(404, {"error": "gone"})
    mock.restore()
    await app.http_request().get("/user/1").expect(200, {"user": {"id": "1", "name": "user-1"}, "label": "#1"})
    with pytest.raises(AttributeError, match="no service"):
        app.mock_service("nobody", "find", 1)


async def test_mock_service_error(app: MockApplication):
    app.mock_service_error("user", "find", "db down")
    await app.http_request().get("/user/1").expect(500)
    app.expect_log("db down")
    mock.restore()
    await app.http_request().get("/user/1").expect(200)


async def test_mock_session(app: MockApplication):
    await app.http_request().get("/session").expect(200, {"session": {}})
    app.mock_session({"user": "ann"})
    res = await app.http_request().get("/session").expect(200, {"session": {"user": "ann"}})
    assert "EGG_SESS" in res.cookies  # the mocked session is saved like a real one
    mock.restore()
    await app.http_request().get("/session").expect(200, {"session": {}})


async def test_real_session_round_trip_with_cookie(app: MockApplication):
    app.mock_csrf()
    res = await app.http_request().post("/login").send({"user": "bob"}).expect(200)
    cookie = res.cookies["EGG_SESS"]
    await app.http_request().get("/session").set("cookie", f"EGG_SESS={cookie}").expect(200, {"session": {"user": "bob"}})


async def test_mock_cookies_headers_context(app: MockApplication):
    app.mock_cookies({"a": "1"})
    app.mock_headers({"X-Token": "h"})
    app.mock_context({"user": {"name": "ctx-user"}})
    await app.http_request().get("/cookies").expect(200, {"a": "1"})
    await app.http_request().get("/whoami").expect(200, {"user": {"name": "ctx-user"}})
    app.mock_csrf()
    res = await app.http_request().post("/echo").send({}).expect(200)
    assert res.json()["x_token"] == "h"
    mock.restore()
    await app.http_request().get("/cookies").expect(200, {"a": None})
    await app.http_request().get("/whoami").expect(200, {"user": None})


async def test_mock_httpclient(app: MockApplication):
    app.mock_httpclient(app.config.upstream, "GET", {"from": "mock"})
    await app.http_request().get("/proxy").expect(200, {"status": 200, "data": {"from": "mock"}})
    # another method does not match: the real client runs and fails to connect
    app.mock_httpclient(re.compile(r"/other$"), ["POST"], "x")
    result = await app.httpclient.request("http://mocked.invalid/other", "POST")
    assert result.data == b"x"
    mock.restore()
    await app.http_request().get("/proxy").expect(500)


async def test_expect_log_and_not_expect_log(app: MockApplication):
    app.not_expect_log("visited log")
    await app.http_request().get("/log?q=abc").expect(200)
    app.expect_log("visited log with abc")
    app.expect_log(re.compile(r"with a.c"))
    with pytest.raises(AssertionError):
        app.not_expect_log("visited log")
    with pytest.raises(AssertionError):
        app.expect_log("never written")


async def test_background_tasks_finished(app: MockApplication):
    app.later_done = False
    await app.http_request().get("/later").expect(200, "queued")
    assert app.later_done is False
    await asyncio.wait_for(app.background_tasks_finished(), 5)
    assert app.later_done is True


async def test_mock_env(tmp_path, monkeypatch):
    monkeypatch.delenv("EGG_SERVER_ENV", raising=False)
    mock.env("prod")
    made = mock.app(FIXTURE, config={"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"),
                                                                              "console": False}})
    try:
        await asyncio.wait_for(made.ready(), 30)
        await made.http_request().get("/env").expect(200, {"env": "prod", "env_name": "prod"})
    finally:
        await made.close()
    mock.restore()
    import os
    assert "EGG_SERVER_ENV" not in os.environ


async def test_attribute_before_ready():
    made = mock.app(FIXTURE)
    with pytest.raises(AttributeError, match="await app.ready"):
        made.config
    await made.close()


async def test_mock_context_replaces_an_extend_property(app: MockApplication):
    cls = app.context_class
    original = cls.__dict__.get("is_ajax")
    app.mock_context({"is_ajax": True})
    ctx = app.create_anonymous_context()
    assert ctx.is_ajax is True
    mock.restore()
    assert cls.__dict__.get("is_ajax") is original
    assert app.create_anonymous_context().is_ajax is False


async def test_mock_session_with_an_external_store(app: MockApplication):
    class Store:
        def __init__(self) -> None:
            self.data: dict = {}

        async def get(self, key, max_age, ctx):
            return self.data.get(key)

        async def set(self, key, value, max_age, ctx):
            self.data[key] = value

        async def destroy(self, key, ctx):
            self.data.pop(key, None)

    store = Store()
    app.session_store = store
    app.mock_session({"user": "zoe"})
    res = await app.http_request().get("/session").expect(200, {"session": {"user": "zoe"}})
    assert len(store.data) == 1 and "EGG_SESS" in res.cookies  # saved in the store like a real one
