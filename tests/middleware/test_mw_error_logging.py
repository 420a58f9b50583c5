"""Client errors are one WARN line without a traceback, in onerror's listener and in the
core's default ``error`` handling (both core twins); 5xx keep their traceback."""
from __future__ import annotations

import logging

import pytest

from eggfast.koa.application import Application
from eggfast.errors import HttpError
from eggfast.plugins.onerror.handler import install_onerror, log_error


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def recording_logger(level=logging.INFO) -> tuple[logging.Logger, Records]:
    logger = logging.Logger("test.errors", level)  # outside logging's registry: nothing shared
    handler = Records()
    logger.addHandler(handler)
    return logger, handler


class ClientError(Exception):
    """Not an HttpError and not exposed: Koa's default handler logs it."""

    status = 400


def failing_app(context_twin, exc, logger, onerror_plugin=False):
    app = Application({"env": "prod"}, logger=logger, context_twin=context_twin)
    if onerror_plugin:
        install_onerror(app)

    async def boom(ctx, next):
        raise exc

    app.use(boom)
    return app


@pytest.mark.parametrize("onerror_plugin", [False, True], ids=["core", "onerror"])
async def test_4xx_is_one_warning_without_traceback(context_twin, request_app, onerror_plugin):
    logger, handler = recording_logger()
    app = failing_app(context_twin, ClientError("bad\ninput"), logger, onerror_plugin)
    res = await request_app(app, "POST", "/items?page=2")
    assert res.status == 400
    [record] = handler.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    # no request-bound prefix on a bare logger: the request is in the line; the message stays one line
    assert record.getMessage() == "400 ClientError: bad\\ninput (POST /items)"


@pytest.mark.parametrize("onerror_plugin", [False, True], ids=["core", "onerror"])
async def test_5xx_is_an_error_with_traceback(context_twin, request_app, onerror_plugin):
    logger, handler = recording_logger()
    app = failing_app(context_twin, RuntimeError("kaboom"), logger, onerror_plugin)
    assert (await request_app(app)).status == 500
    [record] = handler.records
    assert record.levelno == logging.ERROR
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.parametrize("onerror_plugin", [False, True], ids=["core", "onerror"])
async def test_4xx_at_debug_has_the_traceback(context_twin, request_app, onerror_plugin):
    logger, handler = recording_logger(logging.DEBUG)
    app = failing_app(context_twin, ClientError("bad"), logger, onerror_plugin)
    await request_app(app)
    [record] = handler.records
    assert record.levelno == logging.WARNING
    assert record.exc_info and isinstance(record.exc_info[1], ClientError)


async def test_core_default_still_skips_exposed_errors(context_twin, request_app):
    logger, handler = recording_logger()
    app = failing_app(context_twin, HttpError(403, "nope"), logger)
    assert (await request_app(app)).status == 403
    assert handler.records == []


def test_background_4xx_without_request(context_twin):
    logger, handler = recording_logger()
    app = Application({"env": "prod"}, logger=logger, context_twin=context_twin)
    log_error(app, HttpError(409, "conflict"))
    [record] = handler.records
    assert (record.levelno, record.getMessage(), record.exc_info) == (logging.WARNING, "409 HttpError: conflict", None)
