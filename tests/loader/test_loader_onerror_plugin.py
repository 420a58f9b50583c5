"""The built-in onerror plugin is wired: Egg apps answer errors by Accept and env."""
from __future__ import annotations

from loader_helpers import request


async def test_json_error_in_prod_hides_the_message(make_app):
    app = make_app("onerror", env="prod", config={"keys": "k1"})
    await app.ready()
    res = await request(app, "GET", "/boom", headers={"accept": "application/json"})
    assert res.status == 500
    assert res.json()["message"] == "Internal Server Error"
    assert b"password" not in res.body
    await app.close()


async def test_html_4xx_in_prod(make_app):
    app = make_app("onerror", env="prod", config={"keys": "k1"})
    await app.ready()
    res = await request(app, "GET", "/bad", headers={"accept": "text/html"})
    assert res.status == 422
    assert "text/html" in res.header("content-type")
    await app.close()


async def test_json_error_in_unittest_has_details(make_app):
    app = make_app("onerror")
    await app.ready()
    res = await request(app, "GET", "/bad", headers={"accept": "application/json"})
    assert res.status == 422
    assert res.json()["message"] == "name is required"
    await app.close()
