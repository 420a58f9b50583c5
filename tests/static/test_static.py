"""The static plugin on both context twins: serving, caching headers, ranges, encodings, and every
path it must never serve (each passes on to the router, so a 404 there)."""
from __future__ import annotations

import asyncio
import gzip
import os
import time

import pytest

from eggfast.plugins.static.serve import parse_ranges, safe_parts
from static_helpers import call



async def test_serves_public_file_with_validators(static_app):
    app = await static_app()
    res = await call(app, "/public/hello.txt")
    assert res.status == 200 and res.body == b"hello static\n"
    assert res.header("content-type") == "text/plain; charset=utf-8"
    assert res.header("content-length") == "13"
    assert res.header("etag") and res.header("last-modified")
    assert res.header("cache-control") == "public, max-age=0"
    assert res.header("accept-ranges") == "bytes"
    head = await call(app, "/public/hello.txt", method="HEAD")
    assert head.status == 200 and head.body == b"" and head.header("content-length") == "13"


async def test_304_for_etag_and_date_on_get_and_head(static_app):
    app = await static_app()
    first = await call(app, "/public/hello.txt")
    for method in ("GET", "HEAD"):
        again = await call(app, "/public/hello.txt", {"if-none-match": first.header("etag")}, method=method)
        assert again.status == 304 and again.body == b""
        dated = await call(app, "/public/hello.txt", {"if-modified-since": first.header("last-modified")},
                           method=method)
        assert dated.status == 304
    stale = await call(app, "/public/hello.txt", {"if-none-match": '"nope"'})
    assert stale.status == 200
    old = await call(app, "/public/hello.txt", {"if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert old.status == 200


async def test_edited_file_gets_a_new_etag(static_app, static_root):
    app = await static_app(static={"buffer": True})
    first = await call(app, "/public/hello.txt")
    path = static_root / "app" / "public" / "hello.txt"
    path.write_bytes(b"changed!\n")
    os.utime(path, (time.time() + 5, time.time() + 5))
    second = await call(app, "/public/hello.txt")
    assert second.body == b"changed!\n" and second.header("etag") != first.header("etag")


async def test_cache_control_by_env(static_app):
    app = await static_app(env="prod")
    res = await call(app, "/public/hello.txt")
    assert res.header("cache-control") == "public, max-age=31536000"
    assert res.body == b"hello static\n"  # buffered in prod


async def test_other_methods_pass_on_to_the_router(static_app):
    app = await static_app(security={"csrf": {"enable": False}})
    res = await call(app, "/public/hello.txt", method="POST")
    assert res.status == 200 and res.json() == {"routed": "POST"}
    assert (await call(app, "/dynamic")).text == "dynamic"


async def test_prefix_and_several_dirs(static_app):
    app = await static_app(static={"prefix": "/static", "dirs": [{"prefix": "/assets/", "dir": "assets"}]})
    assert (await call(app, "/static/hello.txt")).body == b"hello static\n"
    assert (await call(app, "/public/hello.txt")).status == 405  # only the router's POST route is left
    assert (await call(app, "/assets/logo.txt")).body == b"asset\n"
    app2 = await static_app(static={"dirs": ["assets"]})
    assert (await call(app2, "/public/logo.txt")).body == b"asset\n"
    assert (await call(app2, "/public/hello.txt")).body == b"hello static\n"


@pytest.mark.parametrize("path", [
    "/public/../config/config.default.py",
    "/public/%2e%2e/config/config.default.py",
    "/public/%2E%2E/config/config.default.py",
    "/public/..%2fconfig/config.default.py",
    "/public/..%2Fconfig%2Fconfig.default.py",
    "/public/%2e%2e%2fconfig%2fconfig.default.py",
    "/public/%252e%252e/config/config.default.py",
    "/public/..%5cconfig%5cconfig.default.py",
    "/public/..\\config\\config.default.py",
    "/public/%c0%ae%c0%ae/config/config.default.py",
    "/public/%uff0e%uff0e/config/config.default.py",
    "/public/sub/../../config/config.default.py",
    "/public/./hello.txt",
    "/public//hello.txt",
    "/public/hello.txt%00.png",
    "/public/hello.txt\x00",
    "/public/../public_secret/key.txt",
    "/public/%2e%2e/public_secret/key.txt",
    "/public_secret/key.txt",
    "/public/.env",
    "/public/%2eenv",
    "/public/sub",
    "/public/sub/",
    "/public/",
    "/public",
    "/public/C:/windows/win.ini",
    "/public/hello.txt::$DATA",
    "/public/nothing.txt",
])
async def test_never_served(static_app, path):
    app = await static_app()
    res = await call(app, path)
    assert res.status in (400, 404), (path, res.status)
    assert b"top secret" not in res.body and b"keys" not in res.body and b"secret\n" != res.body


async def test_symlinks_leaving_the_root(static_app, static_root):
    public = static_root / "app" / "public"
    (public / "out.txt").symlink_to(static_root / "app" / "public_secret" / "key.txt")
    (public / "outdir").symlink_to(static_root / "app" / "public_secret", target_is_directory=True)
    (public / "inside.txt").symlink_to(public / "hello.txt")
    app = await static_app()
    assert (await call(app, "/public/out.txt")).status == 404
    assert (await call(app, "/public/outdir/key.txt")).status == 404
    assert (await call(app, "/public/inside.txt")).body == b"hello static\n"
    opened = await static_app(static={"follow_symlinks": True})
    assert (await call(opened, "/public/out.txt")).body == b"top secret\n"


async def test_single_range_and_suffix(static_app):
    app = await static_app()
    res = await call(app, "/public/hello.txt", {"range": "bytes=0-4"})
    assert res.status == 206 and res.body == b"hello" and res.header("content-range") == "bytes 0-4/13"
    res = await call(app, "/public/hello.txt", {"range": "bytes=-7"})
    assert res.status == 206 and res.body == b"static\n"
    res = await call(app, "/public/hello.txt", {"range": "bytes=6-"})
    assert res.body == b"static\n" and res.header("content-length") == "7"


async def test_multiple_ranges_are_multipart(static_app):
    app = await static_app()
    res = await call(app, "/public/hello.txt", {"range": "bytes=0-1,6-7"})
    assert res.status == 206
    ctype = res.header("content-type")
    assert ctype.startswith("multipart/byteranges; boundary=")
    boundary = ctype.split("=", 1)[1]
    assert res.body.count(f"--{boundary}".encode()) == 3
    assert b"Content-Range: bytes 0-1/13\r\n\r\nhe\r\n" in res.body
    assert b"Content-Range: bytes 6-7/13\r\n\r\nst\r\n" in res.body
    assert int(res.header("content-length")) == len(res.body)


async def test_unsatisfiable_range_is_416(static_app):
    app = await static_app()
    res = await call(app, "/public/hello.txt", {"range": "bytes=100-200"})
    assert res.status == 416 and res.header("content-range") == "bytes */13"


async def test_ten_thousand_ranges_get_the_whole_file(static_app):
    app = await static_app()
    many = "bytes=" + ",".join(f"{i % 13}-{i % 13}" for i in range(10_000))
    res = await call(app, "/public/hello.txt", {"range": many})
    assert res.status == 200 and res.body == b"hello static\n"
    bad = await call(app, "/public/hello.txt", {"range": "bytes=x-y"})
    assert bad.status == 200


async def test_if_range_mismatch_sends_the_whole_file(static_app):
    app = await static_app()
    res = await call(app, "/public/hello.txt", {"range": "bytes=0-1", "if-range": '"old"'})
    assert res.status == 200 and res.body == b"hello static\n"
    etag = (await call(app, "/public/hello.txt")).header("etag")
    res = await call(app, "/public/hello.txt", {"range": "bytes=0-1", "if-range": etag})
    assert res.status == 206


async def test_gzip_on_the_fly(static_app):
    app = await static_app(static={"gzip": True})
    res = await call(app, "/public/css/site.css", {"accept-encoding": "gzip, deflate"})
    assert res.header("content-encoding") == "gzip" and "Accept-Encoding" in res.header("vary")
    assert gzip.decompress(res.body) == ("body { color: red; }\n" * 200).encode()
    plain = await call(app, "/public/css/site.css")
    assert plain.header("content-encoding") is None and len(plain.body) == 4200
    small = await call(app, "/public/hello.txt", {"accept-encoding": "gzip"})
    assert small.header("content-encoding") is None


async def test_precompressed_siblings(static_app, static_root):
    css = static_root / "app" / "public" / "css" / "site.css"
    (css.parent / "site.css.gz").write_bytes(gzip.compress(css.read_bytes()))
    (css.parent / "site.css.br").write_bytes(b"pretend-brotli")
    app = await static_app()
    br = await call(app, "/public/css/site.css", {"accept-encoding": "gzip, br"})
    assert br.header("content-encoding") == "br" and br.body == b"pretend-brotli"
    assert br.header("content-type") == "text/css; charset=utf-8"
    gz = await call(app, "/public/css/site.css", {"accept-encoding": "gzip, br;q=0"})
    assert gz.header("content-encoding") == "gzip" and gzip.decompress(gz.body) == css.read_bytes()


async def test_large_file_is_streamed_and_closed(static_app, static_root):
    big = static_root / "app" / "public" / "big.bin"
    data = os.urandom(3 * 1024 * 1024 + 17)
    big.write_bytes(data)
    app = await static_app(env="prod")  # buffered in prod, but the file is over buffer_max_size
    res = await call(app, "/public/big.bin")
    assert res.status == 200 and res.body == data and res.header("content-length") == str(len(data))
    part = await call(app, "/public/big.bin", {"range": "bytes=1048576-2097151"})
    assert part.body == data[1048576:2097152]


async def test_file_cache_is_bounded(static_app, static_root):
    public = static_root / "app" / "public"
    for i in range(20):
        (public / f"f{i}.txt").write_text(str(i))
    app = await static_app(static={"max_files": 5, "buffer": True})
    for i in range(20):
        assert (await call(app, f"/public/f{i}.txt")).text == str(i)
    server_caches = [v for v in app.__dict__.values()]
    assert server_caches  # the app is alive; the bound is checked on the server itself below
    from eggfast.plugins.static.serve import StaticServer, static_options
    server = StaticServer(static_options(app))

    class Ctx:  # the smallest context serve() needs
        method = "GET"
        status = 200
        body = None
        type = ""

        def __init__(self, path):
            self.path = path
            self.request = type("R", (), {"headers": {}})()
            self.headers = {}

        def set(self, k, v):
            self.headers[k] = v

        def vary(self, _):
            pass

    for i in range(20):
        assert server.serve(Ctx(f"/public/f{i}.txt"))
    assert len(server._cache) == 5


def test_parse_ranges_unit():
    assert parse_ranges("bytes=0-0", 10, 100) == [(0, 0)]
    assert parse_ranges("bytes=5-2", 10, 100) is None
    assert parse_ranges("bytes=0-3,2-6", 10, 100) == [(0, 6)]
    assert parse_ranges("bytes=20-", 10, 100) == []
    assert parse_ranges("items=0-1", 10, 100) is None
    assert parse_ranges("bytes=" + ",".join(["0-0"] * 101), 10, 100) is None
    assert parse_ranges("bytes=-0", 10, 100) == []
    assert safe_parts("a/b.txt") == ["a", "b.txt"]
    assert safe_parts("%2e%2e/x") is None and safe_parts("a%2f..%2fb") is None and safe_parts("%ff") is None


async def test_over_real_http(static_app):
    app = await static_app()
    server = await app.create_server("127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /public/hello.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        assert data.startswith(b"HTTP/1.1 206") and data.endswith(b"\r\n\r\nhello")
    finally:
        server.close()
        await server.wait_closed()
