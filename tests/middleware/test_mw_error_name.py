"""The error's name on error pages and in logs is its class (Egg's ``Error.name``).

Python's AttributeError, NameError and ImportError carry a ``name`` attribute
that is the *missing* attribute's / variable's / module's name, not the
error's: it must never be shown as the error's name.  Only an eggfast
``HttpError`` (or a thrown non-error object) may carry an explicit name.
"""
from __future__ import annotations

import pytest

from eggfast.app.middleware.body_parser import JSONSyntaxError
from eggfast.koa.application import Application
from eggfast.errors import HttpError, error_name
from eggfast.logger import close_loggers, error_title, setup_loggers
from eggfast.plugins.onerror.handler import install_onerror

JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


def call_missing_attribute(ctx):
    ctx.missing_thing()


def use_undefined_name(ctx):
    return undefined_thing  # noqa: F821 - raising NameError is the point


def import_missing_name(ctx):
    from eggfast import no_such_thing  # noqa: F401


def import_missing_module(ctx):
    import eggfast_no_such_module  # noqa: F401


CASES = [
    pytest.param(call_missing_attribute, AttributeError, "missing_thing", id="AttributeError"),
    pytest.param(use_undefined_name, NameError, "undefined_thing", id="NameError"),
    pytest.param(import_missing_name, ImportError, "eggfast", id="ImportError"),
    pytest.param(import_missing_module, ModuleNotFoundError, "eggfast_no_such_module", id="ModuleNotFoundError"),
]


@pytest.fixture
def failing(context_twin, tmp_path):
    """``failing(env, fn)`` → an app (both core twins, real loggers in tmp_path) whose only middleware calls ``fn(ctx)``."""
    made = []

    def factory(env, fn):
        app = Application({"name": "demo", "env": env, "base_dir": str(tmp_path),
                           "logger": {"dir": str(tmp_path / "logs"), "console": False}}, context_twin=context_twin)
        setup_loggers(app)
        install_onerror(app)

        async def handler(ctx, next):
            fn(ctx)

        app.use(handler)
        made.append(app)
        return app

    yield factory
    for app in made:
        close_loggers(app)


@pytest.mark.parametrize("fn, cls, attr_name", CASES)
def test_the_builtin_name_attribute_is_not_the_error_name(fn, cls, attr_name):
    with pytest.raises(cls) as info:
        fn(object())
    assert info.value.name == attr_name  # what used to be shown
    assert type(info.value) is cls
    assert error_name(info.value) == cls.__name__
    assert error_title(info.value).startswith(f"{cls.__name__}: ")


@pytest.mark.parametrize("fn, cls, attr_name", CASES)
async def test_json_error_shows_the_class(failing, request_app, fn, cls, attr_name):
    res = await request_app(failing("local", fn), headers=JSON)
    data = res.json()
    assert res.status == 500
    assert data["name"] == cls.__name__
    assert data["stack"].rstrip().splitlines()[-1].startswith(f"{cls.__name__}: ")


@pytest.mark.parametrize("fn, cls, attr_name", CASES)
async def test_local_html_page_shows_the_class(failing, request_app, fn, cls, attr_name):
    res = await request_app(failing("local", fn), headers=HTML)
    assert res.status == 500
    assert f"<h1>500 {cls.__name__}</h1>" in res.text
    assert f"<title>500 {cls.__name__}: " in res.text
    assert f"<h1>500 {attr_name}</h1>" not in res.text


@pytest.mark.parametrize("fn, cls, attr_name", CASES)
async def test_unittest_html_shows_the_class(failing, request_app, fn, cls, attr_name):
    res = await request_app(failing("unittest", fn), headers=HTML)
    assert res.text.startswith(f"{cls.__name__}: ")


@pytest.mark.parametrize("fn, cls, attr_name", CASES)
async def test_log_line_shows_the_class(failing, request_app, tmp_path, fn, cls, attr_name):
    app = failing("prod", fn)
    await request_app(app, "GET", "/where", headers=JSON)
    close_loggers(app)
    text = (tmp_path / "logs" / "demo-web.log").read_text()
    first = text.splitlines()[0]
    assert " ERROR " in first and "GET /where]" in first  # the context logger wrote it
    assert f"] {cls.__name__}: " in first
    assert f"] {attr_name}: " not in text
    assert f"] {cls.__name__}: " in (tmp_path / "logs" / "common-error.log").read_text()


def test_context_logger_names_the_class(context_twin, tmp_path):
    app = Application({"name": "demo", "env": "unittest", "base_dir": str(tmp_path),
                       "logger": {"dir": str(tmp_path / "logs"), "console": False}}, context_twin=context_twin)
    setup_loggers(app)
    ctx = app.create_anonymous_context()
    try:
        ctx.missing_thing()
    except AttributeError as err:
        ctx.logger.warn(err)
        ctx.core_logger.error(err)
    close_loggers(app)
    for name in ("demo-web.log", "eggfast-web.log"):
        first = (tmp_path / "logs" / name).read_text().splitlines()[0]
        assert "GET /] AttributeError: " in first, first


# --- which explicit names are honoured -------------------------------------------------


class TemplateNotFound(Exception):
    """Like jinja2's: ``name`` is the template's name, not the error's."""

    def __init__(self, name):
        super().__init__(f"template {name} not found")
        self.name = name


class NamedHttpError(HttpError):
    name = "ValidationError"


def test_only_eggfast_http_errors_carry_an_explicit_name():
    plain = ValueError("bad json")
    plain.name = "SyntaxError"
    assert error_name(plain) == "ValueError"
    assert error_name(TemplateNotFound("home.html")) == "TemplateNotFound"
    assert error_name(HttpError(400, "x", name="SyntaxError")) == "SyntaxError"
    assert error_name(JSONSyntaxError(400, "Unexpected end")) == "SyntaxError"
    assert error_name(NamedHttpError(422)) == "ValidationError"
    assert error_name(HttpError(400, "x", name="")) == "HttpError"
    assert error_name(HttpError(400, "x", name=42)) == "HttpError"


async def test_a_thrown_object_keeps_its_name(context_twin, make_ctx):
    app = Application({"env": "local"}, context_twin=context_twin)
    install_onerror(app)
    app.errors = []
    app.on("error", lambda err, ctx=None: app.errors.append(err))
    ctx, stream = make_ctx(app, headers=JSON)
    ctx.onerror({"status": 500, "name": "DatabaseError", "message": "db down"})
    assert stream.status == 500
    assert stream.json()["name"] == "DatabaseError"
    assert error_name(app.errors[0]) == "DatabaseError"
