"""examples/pages over real HTTP on 127.0.0.1: static, view + i18n + CSRF, jsonp, multipart."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

import eggfast
from eggfast.logger import close_loggers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "pages"


async def http(port: int, request: bytes) -> tuple[int, dict, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        data = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), []).append(v.strip())
    return int(lines[0].split()[1]), headers, body


def get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{extra}\r\n".encode()


async def test_pages_example_over_http(tmp_path):
    app = await eggfast.start(EXAMPLE, env="unittest", port=0, rundir=str(tmp_path / "run"),
                              logger={"dir": str(tmp_path / "logs"), "console": False})
    try:
        port = app.server.port
        status, headers, body = await http(port, get("/public/site.css"))
        assert status == 200 and body == b"body { font-family: sans-serif; }\n"
        etag = headers["etag"][0]
        assert (await http(port, get("/public/site.css", f"If-None-Match: {etag}\r\n")))[0] == 304
        assert (await http(port, get("/public/site.css", "Range: bytes=0-3\r\n")))[2] == b"body"
        assert (await http(port, get("/public/../config/config.default.py")))[0] in (400, 404)

        status, headers, body = await http(port, get("/?locale=zh-CN&name=%3Cb%3E"))
        page = body.decode()
        assert status == 200 and "<h1>你好，&lt;b&gt;！</h1>" in page and "上传" in page
        token = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        cookies = "; ".join(c.split(";")[0] for c in headers["set-cookie"])
        assert "locale=zh-cn" in cookies

        status, headers, body = await http(port, get("/api/greeting?callback=show", f"Cookie: {cookies}\r\n"))
        assert body.decode() == "/**/ typeof show === 'function' && show({\"greeting\":\"你好，api！\"});"

        form = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
                b"Content-Type: image/png\r\n\r\n" + b"P" * 5000 + b"\r\n--B--\r\n")
        request = (f"POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {cookies}\r\n"
                   f"x-csrf-token: {token}\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                   f"Content-Length: {len(form)}\r\n\r\n").encode() + form
        status, _, body = await http(port, request)
        assert status == 200 and body == b'{"files":[{"filename":"a.png","size":5000}]}'
    finally:
        await app.close()
        close_loggers(app)
