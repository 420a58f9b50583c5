"""An error after a stream body was set: the stream is released (Koa destroys it; koa-onerror too)."""
from __future__ import annotations

import asyncio
import io

import pytest

from eggfast.plugins.onerror.handler import install_onerror


class _File(io.BytesIO):
    pass


def _agen(finalised: list):
    async def gen():
        try:
            yield b"a"
            yield b"b"
        finally:
            finalised.append(True)

    return gen()


@pytest.mark.parametrize("egg", [False, True], ids=["koa-onerror", "egg-onerror"])
async def test_file_body_is_closed_when_the_request_errors(run_app, app, egg):
    if egg:
        install_onerror(app)
    body = _File(b"data")

    async def handler(ctx, next):
        ctx.body = body
        raise RuntimeError("boom")

    app.use(handler)
    stream = await run_app(app)
    assert stream.status == 500
    assert body.closed


@pytest.mark.parametrize("egg", [False, True], ids=["koa-onerror", "egg-onerror"])
async def test_started_async_generator_body_is_finalised_when_the_request_errors(run_app, app, egg):
    if egg:
        install_onerror(app)
    finalised: list = []
    agen = _agen(finalised)

    async def handler(ctx, next):
        ctx.body = agen
        await agen.__anext__()
        raise RuntimeError("boom")

    app.use(handler)
    stream = await run_app(app)
    assert stream.status == 500
    for _ in range(3):
        await asyncio.sleep(0)
    assert finalised == [True]
