"""Log files, levels, line format, custom loggers, close_loggers."""
from __future__ import annotations

import logging
import os
import re

import pytest

from eggfast.logger import (
    NONE,
    EggLogger,
    close_loggers,
    level_name,
    parse_level,
    resolve_log_dir,
    setup_loggers,
)

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARN|ERROR) (\d+) (.*)$")


def test_application_files_are_created(log_app, tmp_path):
    app = log_app()
    setup_loggers(app)
    names = sorted(os.listdir(tmp_path / "logs" / "demo"))
    assert names == ["common-error.log", "demo-web.log", "eggfast-schedule.log", "eggfast-web.log"]


def test_agent_files(log_app, tmp_path, read_log):
    agent = log_app()
    setup_loggers(agent, kind="agent")
    agent.logger.info("from agent")
    agent.core_logger.info("core of agent")
    names = sorted(os.listdir(tmp_path / "logs" / "demo"))
    assert names == ["common-error.log", "eggfast-agent.log", "eggfast-schedule.log"]
    text = read_log("eggfast-agent.log")
    assert "from agent" in text and "core of agent" in text


def test_line_format(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    app.logger.info("hello %s", "world")
    app.logger.warn("careful")
    lines = read_log("demo-web.log").splitlines()
    first = LINE.match(lines[0])
    assert first and first.group(1) == "INFO" and first.group(2) == str(os.getpid())
    assert first.group(3) == "hello world"
    assert LINE.match(lines[1]).group(1) == "WARN"


def test_app_and_core_loggers_write_their_own_files(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    app.logger.info("app line")
    app.core_logger.info("core line")
    assert "app line" in read_log("demo-web.log") and "core line" not in read_log("demo-web.log")
    assert "core line" in read_log("eggfast-web.log") and "app line" not in read_log("eggfast-web.log")


def test_every_error_also_goes_to_common_error(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    app.logger.error("app failed")
    app.core_logger.error("core failed")
    app.get_logger("schedule_logger").error("job failed")
    app.get_logger("error_logger").error("direct")
    app.logger.warning("only a warning")
    errors = read_log("common-error.log")
    for text in ("app failed", "core failed", "job failed", "direct"):
        assert text in errors
    assert "only a warning" not in errors
    assert "job failed" in read_log("eggfast-schedule.log")


def test_exceptions_are_logged_with_traceback(log_app, read_log):
    app = log_app()
    setup_loggers(app)
    try:
        raise KeyError("missing")
    except KeyError as err:
        app.logger.error(err)
    try:
        1 / 0
    except ZeroDivisionError:
        app.logger.exception("division")
    text = read_log("common-error.log")
    assert "ERROR" in text and "KeyError: 'missing'" in text
    assert "Traceback (most recent call last)" in text
    assert "division\nTraceback" in text and "ZeroDivisionError" in text


def test_error_name_attribute_wins_only_on_http_errors(log_app, read_log):
    from eggfast.errors import HttpError

    app = log_app()
    setup_loggers(app)
    app.logger.error(HttpError(400, "bad json", name="SyntaxError"))
    err = ValueError("bad value")
    err.name = "SyntaxError"  # on other errors ``name`` may mean anything (AttributeError.name...)
    app.logger.error(err)
    text = read_log("demo-web.log")
    assert "SyntaxError: bad json" in text
    assert "ValueError: bad value" in text and "SyntaxError: bad value" not in text


def test_levels_from_config(log_app, read_log):
    app = log_app(logger={"level": "WARN"})
    setup_loggers(app)
    app.logger.info("hidden")
    app.logger.warning("shown")
    text = read_log("demo-web.log")
    assert "hidden" not in text and "shown" in text


def test_debug_level_allowed_outside_prod(log_app, read_log):
    app = log_app(logger={"level": "DEBUG"})
    setup_loggers(app)
    app.logger.debug("dbg")
    assert "DEBUG" in read_log("demo-web.log")


def test_prod_downgrades_debug_unless_allowed(tmp_path):
    from eggfast.koa.application import Application

    for allow, expected in ((False, False), (True, True)):
        app = Application({"name": "p", "env": "prod", "logger": {"dir": str(tmp_path / str(allow)), "level": "DEBUG",
                                                                   "allow_debug_at_prod": allow}})
        setup_loggers(app)
        app.logger.debug("dbg")
        close_loggers(app)
        assert ("dbg" in (tmp_path / str(allow) / "p-web.log").read_text()) is expected


def test_level_none_writes_nothing(log_app, read_log):
    app = log_app(logger={"level": "NONE"})
    setup_loggers(app)
    app.logger.error("nothing in the app file")
    assert read_log("demo-web.log") == ""
    assert "nothing in the app file" in read_log("common-error.log")


def test_custom_loggers(log_app, read_log, tmp_path):
    app = log_app(custom_logger={"audit_logger": {"file": "audit.log", "level": "WARN"},
                                 "abs_logger": {"file": str(tmp_path / "elsewhere.log")}})
    setup_loggers(app)
    app.get_logger("audit_logger").info("hidden")
    app.get_logger("audit_logger").warning("audited")
    app.get_logger("abs_logger").info("absolute")
    assert "audited" in read_log("audit.log") and "hidden" not in read_log("audit.log")
    assert "absolute" in (tmp_path / "elsewhere.log").read_text()
    assert "schedule_logger" not in app.loggers  # replaced by the app's custom_logger dict


def test_custom_logger_needs_a_file(log_app):
    app = log_app(custom_logger={"x_logger": {}})
    with pytest.raises(ValueError, match="custom_logger.x_logger.file"):
        setup_loggers(app)


def test_custom_logger_cannot_shadow_builtin(log_app):
    app = log_app(custom_logger={"core_logger": {"file": "c.log"}})
    with pytest.raises(ValueError, match="built-in"):
        setup_loggers(app)


def test_get_logger_names(log_app):
    app = log_app(custom_logger={"schedule_logger": {"file": "eggfast-schedule.log"}})
    loggers = setup_loggers(app)
    assert app.get_logger("logger") is app.logger
    assert app.get_logger("core_logger") is app.core_logger
    assert app.get_logger("coreLogger") is app.core_logger
    assert app.get_logger("scheduleLogger") is loggers["schedule_logger"]
    assert app.get_logger("nope") is None
    assert isinstance(app.logger, EggLogger)


def test_loggers_are_private_to_each_app(log_app, tmp_path):
    first = log_app(logger={"dir": str(tmp_path / "one")})
    second = log_app(logger={"dir": str(tmp_path / "two")})
    setup_loggers(first)
    setup_loggers(second)
    assert first.logger is not second.logger
    assert first.logger.name != second.logger.name
    assert first.logger.name not in logging.Logger.manager.loggerDict
    assert first.logger.propagate is False
    first.logger.info("one only")
    assert "one only" in (tmp_path / "one" / "demo-web.log").read_text()
    assert "one only" not in (tmp_path / "two" / "demo-web.log").read_text()


def test_close_loggers_releases_files(log_app, read_log):
    app = log_app()
    loggers = setup_loggers(app)
    handlers = list(loggers.handlers.values())
    assert handlers and all(h.stream is not None for h in handlers)
    close_loggers(app)
    close_loggers(app)  # idempotent
    assert all(h.stream is None for h in handlers)
    assert all(not logger.handlers for logger in loggers.values())
    app.logger.error("after close")  # no handler left: dropped, never raises
    assert "after close" not in read_log("demo-web.log")


def test_setup_twice_closes_the_first_set(log_app):
    app = log_app()
    first = setup_loggers(app)
    handlers = list(first.handlers.values())
    setup_loggers(app)
    assert first.closed and all(h.stream is None for h in handlers)


def test_many_apps_do_not_leak_file_handles(log_app):
    fd_dir = "/proc/self/fd"
    if not os.path.isdir(fd_dir):
        pytest.skip("needs /proc")
    before = len(os.listdir(fd_dir))
    for _ in range(50):
        app = log_app()
        setup_loggers(app)
        app.logger.info("x")
        close_loggers(app)
    assert len(os.listdir(fd_dir)) <= before + 2


def test_default_dir_is_root_logs_name(tmp_path, monkeypatch):
    from eggfast.koa.application import Application

    local = Application({"name": "shop", "base_dir": str(tmp_path), "env": "local"})
    assert resolve_log_dir(local) == tmp_path / "logs" / "shop"
    monkeypatch.setenv("EGG_HOME", str(tmp_path / "home"))
    prod = Application({"name": "shop", "base_dir": str(tmp_path), "env": "prod"})
    assert resolve_log_dir(prod) == tmp_path / "home" / "logs" / "shop"
    explicit = Application({"name": "shop", "root": "/srv/x", "env": "prod"})
    assert str(resolve_log_dir(explicit)) == "/srv/x/logs/shop"
    fixed = Application({"logger": {"dir": str(tmp_path / "d")}})
    assert resolve_log_dir(fixed) == tmp_path / "d"


def test_app_log_name_option(log_app, read_log):
    app = log_app(logger={"app_log_name": "custom-app.log"})
    setup_loggers(app)
    app.logger.info("renamed")
    assert "renamed" in read_log("custom-app.log")


@pytest.mark.parametrize("value, level", [
    ("DEBUG", 10), ("info", 20), ("WARN", 30), ("warning", 30), ("ERROR", 40), ("NONE", NONE), (25, 25), (None, 20),
])
def test_parse_level(value, level):
    assert parse_level(value) == level


def test_parse_level_rejects_garbage():
    with pytest.raises(ValueError, match="invalid log level"):
        parse_level("LOUD")


def test_level_names():
    assert level_name(logging.WARNING) == "WARN"
    assert level_name(logging.INFO) == "INFO"


def test_level_change_after_use_takes_effect(log_app, read_log):
    app = log_app(logger={"level": "DEBUG"})
    setup_loggers(app)
    app.logger.info("first")  # fills isEnabledFor's cache
    app.logger.setLevel("WARN")
    app.logger.info("dropped")
    app.logger.setLevel(logging.DEBUG)
    app.logger.debug("kept")
    text = read_log("demo-web.log")
    assert "first" in text and "dropped" not in text and "kept" in text
