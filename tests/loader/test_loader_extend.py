"""Extend: class mixins into Application, Context, Request, Response, Helper, Agent (SPEC §9)."""
from __future__ import annotations

from loader_helpers import request

from eggfast import Application


async def test_extends_reach_every_target(make_app):
    app = make_app("extend")
    res = await request(app, "GET", "/", headers={"user-agent": "Chrome/1"})
    assert res.json() == {"shout": "HI", "ua": "Chrome/1", "chrome": True, "greeting": "hello from unittest",
                          "unittest": True, "money": "$2.50", "answer": 42}
    assert res.header("x-powered-by") == "extend"
    assert app.double(4) == 8


async def test_env_specific_file_only_in_its_env(make_app):
    app = make_app("extend", env="local")
    ctx = app.create_anonymous_context()
    assert ctx.greeting == "hello" and not hasattr(ctx, "is_unittest")


def test_property_setter_and_getter(make_app):
    app = make_app("extend")
    ctx = app.create_anonymous_context()
    ctx.magic = 5
    assert ctx.magic == 5 and ctx.state["magic"] == 5


def test_extends_stay_inside_one_app(make_app):
    app = make_app("extend")
    plain = Application()
    other = make_app("folder-name")
    assert app.answer == 42
    assert not hasattr(plain, "answer") and not hasattr(other, "answer")
    assert not hasattr(other.create_anonymous_context(), "shout")
    assert type(app) is not type(other) and isinstance(app, Application)


def test_later_units_win(make_app):
    app = make_app("order")
    assert app.winner == "app"  # plugins b, a, then the app
    assert app.from_a() == "a" and app.from_b() == "b"
