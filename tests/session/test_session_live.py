"""End to end over real HTTP: a live server on a free loopback port, the cookie store and the Redis store."""
from __future__ import annotations

import asyncio
import uuid
from typing import Optional

import orjson


class HttpClient:
    """A browser over one keep-alive connection: sends the cookies it was given, keeps the ones it gets."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jar: dict[str, str] = {}
        self.reader: Optional[asyncio.StreamReader] = None
        self.writer: Optional[asyncio.StreamWriter] = None

    async def get(self, path: str, cookie: Optional[str] = None) -> tuple[int, list[str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        if cookie is None:
            cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: application/json\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        self.writer.write((head + "\r\n").encode("latin-1"))
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 5)
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = [line.partition(": ")[::2] for line in lines[1:] if line]
        length = next(int(v) for k, v in headers if k.lower() == "content-length")
        body = await asyncio.wait_for(self.reader.readexactly(length), 5)
        set_cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        for line in set_cookies:
            name, _, value = line.split(";", 1)[0].partition("=")
            if not value and "expires=Thu, 01 Jan 1970" in line:
                self.jar.pop(name, None)
            else:
                self.jar[name] = value
        return status, set_cookies, body

    async def json(self, path: str) -> dict:
        status, _, body = await self.get(path)
        assert status == 200, (status, body)
        return orjson.loads(body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def visit(app) -> None:
    server = await app.create_server("127.0.0.1", 0)
    browser = HttpClient(server.port)
    try:
        status, cookies, _ = await browser.get("/")
        assert status == 200 and cookies == []
        assert (await browser.json("/set?user=tom"))["is_new"] is True
        assert (await browser.json("/add?item=book"))["data"] == {"user": "tom", "cart": ["book"]}
        assert (await browser.json("/")) == {"data": {"user": "tom", "cart": ["book"]}, "is_new": False, "len": 2,
                                             "max_age": 86400}
        status, cookies, _ = await browser.get("/")
        assert cookies == []  # read, not written
        for forged in ("EGG_SESS=forged", "EGG_SESS=s\u00e9same; EGG_SESS.sig=x", "EGG_SESS=" + "A" * 3000):
            status, _, body = await HttpClient(server.port).get("/", cookie=forged)
            assert status == 200 and orjson.loads(body)["is_new"] is True
        await browser.json("/logout")
        assert "EGG_SESS" not in browser.jar
        assert (await browser.json("/"))["data"] == {}
    finally:
        await browser.close()
        server.close()
        await server.wait_closed()


async def test_cookie_store_over_http(session_app):
    await visit(await session_app())


async def test_redis_store_over_http(session_app, redis_server):
    prefix = f"live:{uuid.uuid4().hex[:8]}:"
    app = await session_app(plugins={"session_redis": True}, redis={"client": redis_server.client_config},
                            session_redis={"prefix": prefix})
    await visit(app)


async def test_redis_down_over_http_is_a_503(session_app, own_redis_server):
    app = await session_app(plugins={"session_redis": True}, redis={"client": own_redis_server.client_config})
    server = await app.create_server("127.0.0.1", 0)
    browser = HttpClient(server.port)
    try:
        await browser.json("/set?user=tom")
        own_redis_server.stop()
        status, cookies, body = await browser.get("/")
        assert status == 503 and cookies == []
        assert orjson.loads(body)["message"].startswith("session store RedisSessionStore.get() failed: ConnectionError")
    finally:
        await browser.close()
        server.close()
        await server.wait_closed()

