"""Controllers, services, helper and router wiring (SPEC §8, §9)."""
from __future__ import annotations

import pytest
from loader_helpers import fixture_dir, request

from eggfast import Application, Controller, Service, mock


@pytest.fixture
async def mocked(context_twin, tmp_path):
    """controller-service through eggfast.mock (agent + app ready), on both context twins."""
    app = mock.app(fixture_dir("controller-service"), context_twin=context_twin,
                   config={"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False}})
    await app.ready()
    yield app
    await app.close()


async def test_class_controller_and_lazy_cached_services(make_app):
    app = make_app("controller-service")
    users = app.service_classes.user
    before_users = users.instances
    home = app.controller.home._class
    before = home.created
    first = (await request(app, "GET", "/")).json()
    second = (await request(app, "GET", "/")).json()
    assert first["user"] == {"id": 1, "name": "alice", "logger": "ClassLogger"}
    assert first["admin"] == "admin (service.admin.role)"
    assert first["path_name"] == "controller.home"
    assert home.created == before + 2  # a new controller per request
    assert users.instances == before_users + 2  # one service per request, cached within it
    assert second["instances"] == first["instances"] + 1


async def test_inherited_sync_and_dotted_actions(mocked):
    await mocked.http_request().get("/inherited").expect(200, "inherited")
    await mocked.http_request().get("/sync").expect(200, "sync")
    assert not hasattr(mocked.controller.home, "_private")


async def test_function_controllers_nested_and_helper_urls(mocked):
    await (mocked.http_request().get("/admin/user/3").set("host", "h.test")
           .expect(200, {"id": "3", "url": "http://h.test/admin/user/3", "path": "/admin/user/7"}))


async def test_helper_escape_and_shtml(make_app):
    app = make_app("controller-service")
    escaped, safe = (await request(app, "GET", "/escape")).text.split("|")
    assert escaped == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    assert safe == '<p>ok<a rel="noopener noreferrer">j</a><a href="https://e.com/" rel="noopener noreferrer">e</a></p>'


async def test_resources_with_class_controller(mocked):
    await mocked.http_request().get("/posts").expect(200, "index")
    await mocked.http_request().get("/posts/9").expect(200, "show 9")
    await mocked.http_request().post("/posts").expect(403)  # no CSRF token
    mocked.mock_csrf()
    await mocked.http_request().post("/posts").expect(201, "created")
    await mocked.http_request().delete("/posts/9").expect(405)


def test_services_are_lazy(make_app):
    app = make_app("controller-service")
    ctx = app.create_anonymous_context()
    assert "lazy_boom" in ctx.service  # declared ...
    assert ctx.service.user is ctx.service.user  # ... but only what is touched gets built
    other = app.create_anonymous_context()
    assert other.service.user is not ctx.service.user
    assert ctx.helper is ctx.helper and other.helper is not ctx.helper


def test_unknown_service_names_the_path(make_app):
    ctx = make_app("controller-service").create_anonymous_context()
    try:
        ctx.service.admin.nope
    except AttributeError as exc:
        assert "service.admin.nope" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_base_classes_give_context_members(make_app):
    app = make_app("controller-service")
    ctx = app.create_anonymous_context()
    svc = Service(ctx)
    ctl = Controller(ctx)
    assert svc.ctx is ctx and svc.app is app and svc.config is app.config and svc.service is ctx.service
    assert ctl.logger is ctx.logger  # no path_name: the context logger itself


async def test_run_in_background_and_anonymous_context(make_app):
    import asyncio

    app = make_app("controller-service")
    ctx = app.create_anonymous_context()
    done = []

    async def job(c):
        done.append(c is ctx)

    await ctx.run_in_background(job)
    await asyncio.sleep(0)
    assert done == [True] and ctx.path == "/" and ctx.ip == "127.0.0.1"


async def test_koa_mode_unchanged_without_base_dir():
    app = Application()
    calls = []

    async def mw(ctx, next):
        calls.append(ctx.path)
        await next()

    app.use(mw)
    app.router.get("/", lambda ctx: setattr(ctx, "body", "koa"))
    res = await request(app, "GET", "/")
    assert (res.status, res.text, calls) == (200, "koa", ["/"])
    assert app.egg is False and list(app.middleware) == [mw]


async def test_events_and_current_context_in_egg_mode(make_app):
    import asyncio

    app = make_app("controller-service")
    seen = []
    app.on("request", lambda ctx: seen.append(("request", ctx.path, app.current_context is ctx)))
    app.on("response", lambda ctx: seen.append(("response", ctx.status)))
    errors = []
    app.on("error", lambda err, ctx=None: errors.append((str(err), getattr(err, "run_in_background", False))))
    await request(app, "GET", "/sync")
    assert seen == [("request", "/sync", True), ("response", 200)]
    assert app.current_context is None

    async def boom():
        raise RuntimeError("late")

    await app.run_in_background(boom)
    await asyncio.sleep(0)
    assert errors == [("late", True)]


async def test_request_and_response_events_need_their_own_listeners(make_app):
    app = make_app("controller-service")
    seen = []
    app.on("error", lambda err, ctx=None: seen.append("error"))
    await request(app, "GET", "/sync")  # other listeners only: no request/response emit
    app.on("response", lambda ctx: seen.append(("response", ctx.status)))
    await request(app, "GET", "/sync")
    app.on("request", lambda ctx: seen.append("request"))
    await request(app, "GET", "/sync")
    assert seen == [("response", 200), "request", ("response", 200)]


async def test_egg_context_defaults_read_by_the_default_middleware(make_app):
    app = make_app("controller-service")
    seen = []

    async def probe(ctx, next):
        seen.append((ctx.disable_body_parser, type(ctx.starttime), type(ctx.performance_starttime)))
        ctx.disable_body_parser = True  # this request only
        await next()

    app.use(probe)
    await request(app, "GET", "/sync")
    await request(app, "GET", "/sync")
    assert seen == [(False, float, float)] * 2


def test_class_logger_is_built_once_per_instance(make_app):
    import gc
    import weakref

    app = make_app("controller-service")
    ctx = app.create_anonymous_context()
    svc = ctx.service.user
    assert svc.path_name and svc.logger is svc.logger  # cached, not a new tagged logger per access
    other = make_app("controller-service").create_anonymous_context().service.user
    assert other.logger is not svc.logger  # per instance
    # cached on the instance only: ctx holds no reference to the logger
    assert all(v is not svc.logger for v in vars(ctx).values())
    logger_ref = weakref.ref(svc.logger)
    del svc, other
    ctx = None
    gc.collect()
    assert logger_ref() is None
