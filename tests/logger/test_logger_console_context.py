"""Console output by env, context loggers (prefix) and class loggers ([controller.home])."""
from __future__ import annotations

import re
import time

import pytest

from eggfast.logger import class_logger, context_prefix, setup_loggers
from eggfast.server._protocol import RawRequest
from eggfast.server.message import EmptyBody
from eggfast.testing import RecordingStream


def make_ctx(app, method="GET", url="/", headers=None, peer=("10.0.0.7", 5000)):
    raw = RawRequest(method, url, "1.1", {"host": "example.com", **(headers or {})}, EmptyBody(), peer)

    class Null:
        headers_sent = False
        writable = True

    return app.context_class(app, raw, Null())


# --- console ---------------------------------------------------------------------------


def test_console_in_local(log_app, capsys):
    app = log_app(env="local")
    setup_loggers(app)
    app.logger.info("to console")
    app.logger.error("to stderr")
    app.core_logger.info("core info is quiet in local")
    app.core_logger.warning("core warn shows")
    out, err = capsys.readouterr()
    assert "to console" in out and "to stderr" in err and "to stderr" not in out
    assert "core info is quiet" not in out and "core warn shows" in out


@pytest.mark.parametrize("env", ["unittest", "prod"])
def test_no_console_outside_local(log_app, capsys, env, tmp_path):
    app = log_app(env=env, logger={"dir": str(tmp_path / env)})
    setup_loggers(app)
    app.logger.error("file only")
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_console_forced_and_level(log_app, capsys, tmp_path):
    app = log_app(env="prod", logger={"dir": str(tmp_path / "p"), "console": True, "console_level": "WARN"})
    setup_loggers(app)
    app.logger.info("not on console")
    app.logger.warning("on console")
    out, _ = capsys.readouterr()
    assert "on console" in out and "not on console" not in out


def test_schedule_logger_never_on_console(log_app, capsys):
    app = log_app(env="local", custom_logger={"schedule_logger": {"file": "eggfast-schedule.log", "console_level": "NONE"}})
    setup_loggers(app)
    app.get_logger("schedule_logger").info("tick")
    out, _ = capsys.readouterr()
    assert "tick" not in out


# --- context logger -------------------------------------------------------------------------


def test_ctx_logger_prefix(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app, "POST", "/users?id=1")
    ctx.logger.info("created %s", "tom")
    line = read_log("demo-web.log").splitlines()[-1]
    assert re.search(r" INFO \d+ \[10\.0\.0\.7/-/\d+ms POST /users\?id=1\] created tom$", line), line


def test_ctx_trace_id_from_headers(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    make_ctx(app, headers={"x-request-id": "req-9"}).logger.info("a")
    make_ctx(app, headers={"x-trace-id": "tr-1", "x-request-id": "req-9"}).logger.info("b")
    ctx = make_ctx(app)
    ctx.trace_id = "set-by-code"
    ctx.logger.info("c")
    text = read_log("demo-web.log")
    assert "/req-9/" in text and "/tr-1/" in text and "/set-by-code/" in text


def test_ctx_elapsed_ms(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app)
    ctx.performance_starttime = time.perf_counter() - 0.25
    ctx.logger.info("late")
    ms = int(re.search(r"/(\d+)ms GET", read_log("demo-web.log")).group(1))
    assert 240 <= ms < 5000


def test_ctx_core_logger_and_get_logger(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app)
    ctx.core_logger.info("core side")
    ctx.get_logger("schedule_logger").info("sched side")
    assert ctx.get_logger("nope") is None
    assert ctx.get_logger("core_logger") is ctx.core_logger
    assert "[10.0.0.7/-/" in read_log("eggfast-web.log")
    assert "sched side" in read_log("eggfast-schedule.log")


def test_ctx_logger_errors_reach_common_error_with_prefix(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app, url="/fail")
    ctx.logger.error(RuntimeError("broken"))
    text = read_log("common-error.log")
    assert "[10.0.0.7/-/" in text and "GET /fail] RuntimeError: broken" in text


def test_percent_in_url_is_safe(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app, url="/a%20b%s")
    ctx.logger.info("n=%d", 3)
    ctx.logger.info("100%")
    text = read_log("demo-web.log")
    assert "GET /a%20b%s] n=3" in text and "] 100%" in text


def test_ctx_logger_is_cached_and_replaceable(log_app):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app)
    assert ctx.logger is ctx.logger
    other = object()
    ctx.logger = other
    assert ctx.logger is other


def test_anonymous_context_prefix(log_app):
    app = log_app()
    setup_loggers(app)
    ctx = app.create_anonymous_context()
    assert re.fullmatch(r"\[127\.0\.0\.1/-/\d+ms GET /\]", context_prefix(ctx))


def test_prefix_with_missing_fields():
    class Bare:
        ip = ""
        method = "GET"
        url = "/"

    assert context_prefix(Bare()) == "[-/-/0ms GET /]"


# --- class logger -----------------------------------------------------------------------------


def test_class_logger_tags_path_name(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app, url="/home")
    class_logger(ctx, "controller.home").info("index hit")
    class_logger(ctx, "service.user").warn("slow query %dms", 120)
    text = read_log("demo-web.log")
    assert "GET /home] [controller.home] index hit" in text
    assert "WARN" in text and "[service.user] slow query 120ms" in text


def test_class_logger_without_path_is_ctx_logger(log_app):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app)
    assert class_logger(ctx, "") is ctx.logger


def test_class_logger_error_keeps_traceback(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    ctx = make_ctx(app)
    try:
        raise LookupError("no user")
    except LookupError as err:
        class_logger(ctx, "service.user").error(err)
    text = read_log("common-error.log")
    assert "[service.user] LookupError: no user" in text and "Traceback" in text


# --- with onerror: an error is logged once, with the request ---------------------------------


async def test_onerror_logs_through_ctx_logger(log_app, read_log, tmp_path):
    from eggfast.plugins.onerror.handler import install_onerror

    app = log_app(env="prod", logger={"dir": str(tmp_path / "logs" / "demo")})
    setup_loggers(app)
    install_onerror(app)

    async def boom(ctx, next):
        raise RuntimeError("handler exploded")

    app.use(boom)

    stream = RecordingStream()
    raw = RawRequest("GET", "/explode", "1.1", {"host": "h"}, EmptyBody(), ("10.1.1.1", 1))
    await app.handler(raw, stream)
    assert stream.status == 500
    errors = read_log("common-error.log")
    assert errors.count("RuntimeError: handler exploded") == 2  # the title line and the traceback's last line
    assert "[10.1.1.1/-/" in errors and "GET /explode]" in errors
