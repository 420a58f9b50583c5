"""ctx.ip strips only a leading IPv4-mapped ``::ffff:`` prefix (Egg: ``startsWith('::ffff:')``)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("peer", "expected"),
    [
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("2001:db8::ffff:c0a8:1", "2001:db8::ffff:c0a8:1"),
        ("fe80::ffff:1", "fe80::ffff:1"),
        ("::1", "::1"),
    ],
)
async def test_ip_keeps_ipv6_addresses_that_merely_contain_ffff(run_app, app, peer, expected):
    async def handler(ctx, next):
        ctx.body = ctx.ip

    app.use(handler)
    stream = await run_app(app, "GET", "/", peer=(peer, 4000))
    assert stream.text == expected


async def test_forwarded_ipv6_with_ffff_inside_is_kept(run_app):
    from eggfast.koa.application import Application

    application = Application({"proxy": True})

    async def handler(ctx, next):
        ctx.body = ctx.ip

    application.use(handler)
    stream = await run_app(application, "GET", "/", headers={"x-forwarded-for": "2001:db8::ffff:1, 10.0.0.2"})
    assert stream.text == "2001:db8::ffff:1"
