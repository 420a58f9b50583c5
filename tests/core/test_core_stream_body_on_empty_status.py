"""A stream body dropped by an empty status (204/304) is still closed (Koa destroys it on finish)."""
from __future__ import annotations

import io

import pytest


class _File(io.BytesIO):
    closes = 0

    def close(self) -> None:
        type(self).closes += 1
        super().close()


@pytest.mark.parametrize("status", [204, 304])
async def test_file_body_dropped_by_empty_status_is_closed(run_app, app, status):
    body = _File(b"x" * 10)

    async def handler(ctx, next):
        ctx.body = body
        ctx.status = status  # nulls the body

    app.use(handler)
    stream = await run_app(app)
    assert stream.status == status and stream.body == b""
    assert body.closed  # `body` is still referenced here: only respond() can have closed it


async def test_async_generator_dropped_by_304_is_finalised(run_app, app):
    finalised = []

    async def gen():
        try:
            yield b"a"
            yield b"b"
        finally:
            finalised.append(True)

    agen = gen()

    async def handler(ctx, next):
        ctx.body = agen
        await agen.__anext__()  # started: only aclose() runs its finally
        ctx.status = 304

    app.use(handler)
    stream = await run_app(app)
    assert stream.status == 304
    assert finalised == [True]
