"""End to end over real HTTP: an Egg-style app serves a form with ctx.csrf, then POSTs with and
without the token (server on 127.0.0.1, a free port, stopped at the end)."""
from __future__ import annotations

import asyncio
import http.client
import json
import re

from security_helpers import FIXTURE
from eggfast import Application


def exchange(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


async def test_form_token_round_trip_over_http(tmp_path):
    app = Application(base_dir=FIXTURE, env="unittest",
                      config={"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path), "console": False}})
    await app.ready()
    server = await app.create_server("127.0.0.1", 0)
    port = server.port
    try:
        status, headers, body = await asyncio.to_thread(exchange, port, "GET", "/form")
        assert status == 200 and headers["x-frame-options"] == "SAMEORIGIN"
        secret = re.search(r"csrfToken=([0-9a-f]+)", headers["set-cookie"]).group(1)
        token = re.search(rb'name="_csrf" value="([^"]+)"', body).group(1).decode()
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrfToken={secret}"}

        status, _, body = await asyncio.to_thread(exchange, port, "POST", "/submit", f"_csrf={token}".encode(), form)
        assert (status, json.loads(body)) == (200, {"ok": True, "method": "POST"})

        status, _, body = await asyncio.to_thread(exchange, port, "POST", "/submit", b"a=1", form)
        assert status == 403
        assert body.startswith(b"missing csrf token: none in header x-csrf-token, query _csrf or body _csrf.")

        no_cookie = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, body = await asyncio.to_thread(exchange, port, "POST", "/submit",
                                                        f"_csrf={token}".encode(), no_cookie)
        assert status == 403 and b"no csrfToken cookie" in body and "csrftoken=" in headers["set-cookie"].lower()

        other = {**form, "Cookie": "csrfToken=" + "0" * 32}
        status, _, body = await asyncio.to_thread(exchange, port, "POST", "/submit", f"_csrf={token}".encode(), other)
        assert status == 403 and body.startswith(b"invalid csrf token")
    finally:
        server.close()
        await server.wait_closed()
        await app.close()
