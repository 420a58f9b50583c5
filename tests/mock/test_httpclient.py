"""app.httpclient / app.curl over a real socket (what mock_httpclient stands in for)."""
from __future__ import annotations

import asyncio

from eggfast import Application
from eggfast.httpclient import HttpClient


async def test_curl_a_real_server():
    upstream = Application()

    async def handler(ctx, next):
        body = await ctx.request.read(limit=1024) if ctx.method == "POST" else b""
        ctx.status = 201 if ctx.method == "POST" else 200
        ctx.body = {"method": ctx.method, "query": dict(ctx.query), "body": body.decode(),
                    "type": ctx.get("content-type")}

    upstream.use(handler)
    server = await upstream.create_server("127.0.0.1", 0)
    try:
        client = HttpClient(timeout=10)
        url = f"http://127.0.0.1:{server.port}/x"
        got = await asyncio.wait_for(client.request(url, "GET", {"a": "1"}, content_type="form"), 20)
        assert got.status == 200 and got.json()["query"] == {"a": "1"}
        got = await asyncio.wait_for(client.curl(url, "POST", {"n": 1}), 20)
        assert got.status == 201
        assert got.json()["body"] == '{"n":1}' and got.json()["type"] == "application/json"
        assert got.headers["content-type"].startswith("application/json")
    finally:
        server.close()
        await server.wait_closed()
        await upstream.close()
