"""ctx.logger must not tie the context into a reference cycle (the core's PERF rule)."""
from __future__ import annotations

import gc
import logging

from eggfast.koa.application import Application
from eggfast.koa.context import Context
from eggfast.logger.context_logger import ContextLogger
from eggfast.logger.setup import install_context_loggers
from eggfast.server._protocol import RawRequest
from eggfast.testing import BytesBody, RecordingStream



async def test_logging_through_ctx_logger_leaves_no_context_garbage():
    # A logger of its own that really emits (records are built) but keeps
    # nothing: pytest's capture handler would otherwise keep the records.
    base = logging.getLogger("eggfast.test.review.gc")
    base.propagate = False
    base.setLevel(logging.INFO)
    base.addHandler(logging.NullHandler())
    app = Application(silent=True, logger=base)
    install_context_loggers(app.context_class)

    async def handler(ctx, next):
        ctx.logger.info("hello %s", "there")
        assert ctx.core_logger is not None
        ctx.body = "ok"

    app.use(handler)
    raw = RawRequest("GET", "/", "1.1", {"host": "x"}, BytesBody(), ("127.0.0.1", 1), ("127.0.0.1", 2))
    gc.collect()
    gc.disable()
    try:
        await app.handler(raw, RecordingStream())
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = [obj for obj in gc.garbage if isinstance(obj, (Context, ContextLogger))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert leaked == []


def test_ctx_logger_is_still_one_object_while_held():
    app = Application(silent=True)
    install_context_loggers(app.context_class)
    raw = RawRequest("GET", "/", "1.1", {"host": "x"}, BytesBody(), ("127.0.0.1", 1), ("127.0.0.1", 2))
    ctx = app.context_class(app, raw, RecordingStream())
    held = ctx.logger
    assert ctx.logger is held
    assert ctx.get_logger("core_logger") is ctx.core_logger

