"""onerror: Egg's error responses by Accept and env, custom handlers, and error logging."""
from __future__ import annotations

import pytest

from eggfast.app.middleware import body_parser
from eggfast.koa.application import Application
from eggfast.defaults import CONFIG
from eggfast.koa.context import Context
from eggfast.errors import HttpError
from eggfast.plugins.onerror.handler import detect_status, install_onerror, onerror

JSON = {"accept": "application/json"}
HTML = {"accept": "text/html"}


class Capture:
    """A logger double that records (level, msg, exc_info)."""

    def __init__(self) -> None:
        self.records = []

    def _add(self, level, msg, *args, **kwargs):
        self.records.append((level, msg, kwargs.get("exc_info")))

    def error(self, msg, *args, **kwargs):
        self._add("error", msg, *args, **kwargs)

    def warning(self, msg, *args, **kwargs):
        self._add("warning", msg, *args, **kwargs)

    def info(self, msg, *args, **kwargs):
        self._add("info", msg, *args, **kwargs)


def failing_app(env="local", exc=None, onerror_config=None, before=None):
    config = {"env": env}
    if onerror_config is not None:
        config["onerror"] = onerror_config
    app = Application(config)
    app.logger = Capture()
    app.core_logger = Capture()
    install_onerror(app)
    if before is not None:
        app.use(before)

    async def boom(ctx, next):
        raise exc if exc is not None else RuntimeError("kaboom")

    app.use(boom)
    return app


# --- JSON ---------------------------------------------------------------------------


async def test_prod_json_5xx_hides_the_message(request_app):
    app = failing_app("prod")
    res = await request_app(app, headers=JSON)
    assert res.status == 500
    assert res.json() == {"message": "Internal Server Error"}
    assert res.header("content-type") == "application/json; charset=utf-8"


async def test_prod_json_4xx_shows_message_code_errors(request_app):
    app = failing_app("prod", HttpError(422, "invalid params", code="invalid_param", errors=[{"field": "id"}]))
    res = await request_app(app, headers=JSON)
    assert res.status == 422
    assert res.json() == {"code": "invalid_param", "message": "invalid params", "errors": [{"field": "id"}]}


async def test_prod_json_5xx_keeps_code(request_app):
    app = failing_app("prod", HttpError(503, "db down", code="E_DB"))
    res = await request_app(app, headers=JSON)
    assert res.status == 503
    assert res.json() == {"code": "E_DB", "message": "Service Unavailable"}


@pytest.mark.parametrize("env", ["local", "unittest"])
async def test_dev_json_5xx_has_stack_name_and_props(request_app, env):
    err = RuntimeError("kaboom")
    err.detail = {"k": 1}
    app = failing_app(env, err)
    res = await request_app(app, headers=JSON)
    data = res.json()
    assert res.status == 500
    assert data["message"] == "kaboom"
    assert data["name"] == "RuntimeError"
    assert "Traceback (most recent call last)" in data["stack"] and "RuntimeError: kaboom" in data["stack"]
    assert data["detail"] == {"k": 1}
    assert data["status"] == 500


async def test_dev_json_4xx_has_no_stack(request_app):
    app = failing_app("local", HttpError(404, "no such user"))
    res = await request_app(app, headers=JSON)
    assert res.status == 404
    assert res.json() == {"message": "no such user"}


async def test_json_chosen_by_path_and_response_type(request_app):
    app = failing_app("prod")
    assert (await request_app(app, "GET", "/api/data.json", headers=HTML)).header("content-type").startswith("application/json")

    async def typed(ctx, next):
        ctx.type = "json"
        await next()

    app = failing_app("prod", before=typed)
    res = await request_app(app, headers=HTML)
    assert res.json() == {"message": "Internal Server Error"}


@pytest.mark.parametrize("env", ["local", "prod"])
async def test_bad_json_body_says_problems_parsing_json(request_app, env):
    app = Application({"env": env})
    app.logger = Capture()
    install_onerror(app)
    app.use(body_parser.middleware(CONFIG["body_parser"], app))
    res = await request_app(app, "POST", "/", headers={**JSON, "content-type": "application/json"}, body=b'{"a":')
    assert res.status == 400
    assert res.json()["message"] == "Problems parsing JSON"


async def test_non_json_request_keeps_syntax_error_message(request_app):
    err = HttpError(400, "bad thing")
    err.name = "SyntaxError"
    app = failing_app("local", err)
    res = await request_app(app, headers=JSON)
    assert res.json()["message"] == "bad thing"


# --- HTML ---------------------------------------------------------------------------


async def test_prod_html_5xx(request_app):
    app = failing_app("prod", HttpError(503))
    res = await request_app(app, headers=HTML)
    assert res.status == 500
    assert res.text == "<h2>Internal Server Error, real status: 503</h2>"
    assert res.header("content-type") == "text/html; charset=utf-8"


async def test_prod_html_4xx(request_app):
    app = failing_app("prod", HttpError(403, "secret reason"))
    res = await request_app(app, headers=HTML)
    assert res.status == 403
    assert res.text == "<h2>403 Forbidden</h2>"


@pytest.mark.parametrize("url, location", [
    ("/500.html", "/500.html?real_status=500"),
    ("/error?from=app", "/error?from=app&real_status=500"),
])
async def test_prod_html_5xx_error_page_url(request_app, url, location):
    app = failing_app("prod", onerror_config={"error_page_url": url})
    res = await request_app(app, headers=HTML)
    assert res.status == 302
    assert res.header("location") == location


async def test_error_page_url_callable_and_real_status(request_app):
    seen = {}

    def page(err, ctx):
        seen["err"] = err
        return "/oops"

    async def outer(ctx, next):
        try:
            await next()
        finally:
            seen["ctx"] = ctx

    app = failing_app("prod", HttpError(502), onerror_config={"error_page_url": page}, before=outer)
    res = await request_app(app, headers=HTML)
    assert res.header("location") == "/oops?real_status=502"
    assert seen["err"].status == 502
    assert seen["ctx"].real_status == 502


async def test_error_page_url_not_used_for_4xx_or_json(request_app):
    app = failing_app("prod", HttpError(400), onerror_config={"error_page_url": "/e"})
    assert (await request_app(app, headers=HTML)).status == 400
    app = failing_app("prod", onerror_config={"error_page_url": "/e"})
    assert (await request_app(app, headers=JSON)).status == 500


async def test_unittest_html_is_name_message_stack(request_app):
    app = failing_app("unittest", ValueError("bad value"))
    res = await request_app(app, headers=HTML)
    assert res.status == 500
    assert res.text.startswith("ValueError: bad value\nTraceback (most recent call last):")


async def test_local_html_error_page_escapes(request_app):
    app = failing_app("local", ValueError("<script>x</script>"))
    res = await request_app(app, "GET", "/p?q=<b>", headers=HTML)
    assert res.status == 500
    assert res.text.startswith("<!DOCTYPE html>")
    assert "&lt;script&gt;x&lt;/script&gt;" in res.text and "<script>x" not in res.text
    assert "ValueError" in res.text and "Traceback" in res.text


async def test_local_template_path(request_app, tmp_path):
    template = tmp_path / "page.html"
    template.write_text("<p>{{ status }} {{name}}: {{ message }} at {{ method }} {{ url }}</p>")
    app = failing_app("local", HttpError(418, "<tea>"), onerror_config={"template_path": str(template)})
    res = await request_app(app, "GET", "/pot", headers=HTML)
    assert res.status == 418
    assert res.text == "<p>418 HttpError: &lt;tea&gt; at GET /pot</p>"


async def test_head_request_has_no_body(request_app):
    app = failing_app("prod")
    res = await request_app(app, "HEAD", "/", headers=HTML)
    assert res.status == 500
    assert res.body == b""
    assert res.header("content-length") == str(len("<h2>Internal Server Error, real status: 500</h2>"))


# --- headers, status, odd errors -----------------------------------------------------------


async def test_headers_kept_error_headers_added_body_headers_dropped(request_app):
    async def before(ctx, next):
        ctx.set("X-Trace", "t1")
        ctx.set("Content-Disposition", "attachment")
        ctx.body = b"partial"
        await next()

    app = failing_app("prod", HttpError(429, "slow down", headers={"Retry-After": "5"}), before=before)
    res = await request_app(app, headers=JSON)
    assert res.status == 429
    assert res.header("x-trace") == "t1"
    assert res.header("retry-after") == "5"
    assert res.header("content-type") == "application/json; charset=utf-8"
    assert res.header("content-length") == str(len(res.body))
    assert res.json() == {"message": "slow down"}


async def test_unsendable_error_headers_fall_back(strict_request_app):
    app = failing_app("prod", HttpError(400, "x", headers={"X-Bad": "a\r\nb"}))
    res = await strict_request_app(app, headers=JSON)
    assert res.status == 400
    assert res.header("x-bad") is None
    assert res.text == "Bad Request"


@pytest.mark.parametrize("err, status", [
    (HttpError(404), 404),
    (FileNotFoundError("gone"), 404),
    (RuntimeError("x"), 500),
])
def test_detect_status(err, status):
    assert detect_status(err) == status


def test_detect_status_ignores_invalid_values():
    err = RuntimeError()
    err.status = 200
    assert detect_status(err) == 500
    err.status = "404"
    assert detect_status(err) == 500
    err.status_code = 409
    assert detect_status(err) == 409


async def test_file_not_found_is_404(request_app):
    app = failing_app("prod", FileNotFoundError("/no/such"))
    res = await request_app(app, headers=HTML)
    assert res.status == 404 and res.text == "<h2>404 Not Found</h2>"


def test_non_error_values_are_wrapped(make_ctx):
    app = Application({"env": "prod"})
    app.logger = Capture()
    install_onerror(app)
    ctx, stream = make_ctx(app, headers=JSON)
    ctx.onerror({"status": 409, "message": "thrown dict"})
    assert stream.status == 409
    assert stream.json() == {"message": "thrown dict"}
    level, msg, _ = app.logger.records[0]
    assert level == "warning" and "non-error thrown" in str(msg)


def test_onerror_none_is_a_no_op(make_ctx):
    app = Application()
    install_onerror(app)
    ctx, stream = make_ctx(app)
    ctx.onerror(None)
    assert stream.status is None


async def test_headers_already_sent_only_emits_and_aborts(request_app):
    async def streamer(ctx, next):
        async def gen():
            yield b"first"
            raise RuntimeError("mid-stream")

        ctx.body = gen()

    app = Application({"env": "prod"})
    app.logger = Capture()
    install_onerror(app)
    app.use(streamer)
    res = await request_app(app)
    assert res.status == 200
    assert res.aborted
    level, msg, _ = app.logger.records[0]
    assert level == "error" and msg.header_sent is True


# --- custom handlers ------------------------------------------------------------------------


async def test_custom_all_handler(request_app):
    def all_(err, ctx):
        ctx.status = 500
        ctx.body = f"custom: {err}"

    app = failing_app("prod", onerror_config={"all": all_})
    res = await request_app(app, headers=JSON)
    assert res.status == 500 and res.text == "custom: kaboom"
    assert res.header("content-type") == "text/plain; charset=utf-8"


async def test_custom_json_and_html_handlers(request_app):
    def as_json(err, ctx):
        ctx.body = {"ok": False, "msg": str(err)}

    def as_html(err, ctx):
        ctx.body = "<p>sorry</p>"

    app = failing_app("prod", onerror_config={"json": as_json, "html": as_html})
    assert (await request_app(app, headers=JSON)).json() == {"ok": False, "msg": "kaboom"}
    res = await request_app(app, headers=HTML)
    assert res.status == 500 and res.text == "<p>sorry</p>"


async def test_custom_accepts_can_pick_text(request_app):
    app = failing_app("prod", HttpError(400, "plain reason"), onerror_config={"accepts": lambda ctx: "text"})
    res = await request_app(app, headers=HTML)
    assert res.status == 400
    assert res.text == "plain reason"
    assert res.header("content-type") == "text/plain; charset=utf-8"


async def test_text_hides_unexposed_messages_outside_local(request_app):
    app = failing_app("prod", RuntimeError("internal detail"), onerror_config={"accepts": lambda ctx: "text"})
    res = await request_app(app)
    assert res.text == "Internal Server Error"


async def test_failing_custom_handler_falls_back_to_text(request_app):
    def broken(err, ctx):
        raise KeyError("oops")

    app = failing_app("prod", HttpError(409, "conflict"), onerror_config={"all": broken})
    res = await request_app(app, headers=JSON)
    assert res.status == 409
    assert res.text == "Conflict"
    assert res.header("content-type") == "text/plain; charset=utf-8"
    assert app.core_logger.records and app.core_logger.records[0][0] == "error"


# --- logging --------------------------------------------------------------------------------


async def test_5xx_logged_as_error_once(request_app):
    app = failing_app("prod")
    await request_app(app)
    assert [(level, str(msg)) for level, msg, _ in app.logger.records] == [("error", "kaboom")]
    assert isinstance(app.logger.records[0][2], RuntimeError)


async def test_4xx_logged_as_warning(request_app):
    app = failing_app("prod", HttpError(403, "nope"))
    await request_app(app)
    # one line, no traceback (tests/middleware/test_mw_error_logging.py has the details)
    assert app.logger.records == [("warning", "403 HttpError: nope (GET /)", None)]


async def test_app_error_filter(request_app):
    seen = []

    def only_5xx(err, ctx):
        seen.append(ctx is not None)
        return getattr(err, "status", 500) >= 500

    app = failing_app("prod", HttpError(400), onerror_config={"app_error_filter": only_5xx})
    res = await request_app(app)
    assert res.status == 400  # the response is unaffected
    assert app.logger.records == [] and seen == [True]

    app = failing_app("prod", onerror_config={"app_error_filter": lambda err, ctx: None})
    await request_app(app)
    assert len(app.logger.records) == 1  # only False filters


async def test_background_errors_use_app_logger():
    app = Application({"env": "prod"})
    app.logger = Capture()
    install_onerror(app)

    async def task():
        raise RuntimeError("later")

    await app.run_in_background(task)
    assert [(level, str(msg)) for level, msg, _ in app.logger.records] == [("error", "later")]


def test_install_is_per_app_and_idempotent():
    app = Application()
    other = Application()
    install_onerror(app)
    install_onerror(app)
    assert app.context_class.onerror is onerror
    assert other.context_class.onerror is Context.onerror
    assert app.listener_count("error") == 1
