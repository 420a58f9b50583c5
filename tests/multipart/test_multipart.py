"""The multipart plugin on both context twins: stream and file mode, limits, white list, bad bodies,
and nothing left on disk (including a client that stops mid-upload, over real HTTP)."""
from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path

import pytest

from eggfast import Application
from eggfast.errors import ConfigError
from eggfast.logger import close_loggers
from eggfast.testing import BytesBody, RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "multipart"
BOUNDARY = "----eggfastBoundary7MA4YWxkTrZu0gW"


def form(*parts, boundary: str = BOUNDARY) -> bytes:
    """parts: (name, value) for fields, (name, filename, bytes[, mime]) for files."""
    out = bytearray()
    for part in parts:
        out += f"--{boundary}\r\n".encode()
        if len(part) == 2:
            out += f'Content-Disposition: form-data; name="{part[0]}"\r\n\r\n'.encode() + part[1].encode() + b"\r\n"
        else:
            mime = part[3] if len(part) > 3 else "application/octet-stream"
            out += (f'Content-Disposition: form-data; name="{part[0]}"; filename="{part[1]}"\r\n'
                    f"Content-Type: {mime}\r\n\r\n").encode() + part[2] + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


@pytest.fixture
def tmpdir_files(tmp_path):
    folder = tmp_path / "uploads"

    def listing() -> list[str]:
        return sorted(os.listdir(folder)) if folder.exists() else []

    listing.folder = folder
    return listing


@pytest.fixture
async def mp_app(tmp_path, context_twin, tmpdir_files):
    made = []

    async def make(env: str = "unittest", **multipart) -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
                   "multipart": {"tmpdir": str(tmpdir_files.folder), **multipart}}
        app = Application(base_dir=FIXTURE, env=env, config=options, context_twin=context_twin)
        made.append(app)
        await app.ready()
        return app

    yield make
    for app in made:
        await app.close()
        close_loggers(app)


async def post(app, url, body: bytes, boundary: str = BOUNDARY, chunk: int = 0, headers=None):
    hdrs = {"content-type": f"multipart/form-data; boundary={boundary}", "content-length": str(len(body)),
            **(headers or {})}
    chunks = [body[i:i + chunk] for i in range(0, len(body), chunk)] if chunk else None
    raw = make_raw("POST", url, hdrs, b"")
    raw.body = BytesBody(body, chunks)  # delivered in ``chunk``-byte pieces when given
    stream = RecordingStream()
    await app.handler(raw, stream)
    return stream


async def test_stream_mode_fields_and_files(mp_app):
    app = await mp_app()
    png = os.urandom(300_000)
    body = form(("title", "hello"), ("avatar", "me.png", png, "image/png"), ("note", "ünïcode"),
                ("doc", "readme.json", b'{"a": 1}'))
    for chunk in (0, 1000, 7):
        res = await post(app, "/stream", body, chunk=chunk)
        assert res.status == 200, res.text
        data = res.json()
        assert data["fields"] == {"title": "hello", "note": "ünïcode"}
        assert data["files"][0] == {"field": "avatar", "filename": "me.png", "mime": "image/png", "size": 300_000,
                                    "sha256": hashlib.sha256(png).hexdigest()}
        assert data["files"][1]["filename"] == "readme.json" and data["files"][1]["size"] == 8


async def test_unread_files_are_skipped(mp_app):
    app = await mp_app()
    body = form(("a", "1.png", b"x" * 5000), ("b", "2"), ("c", "3.gif", b"y"))
    assert (await post(app, "/skip", body, chunk=100)).json() == ["1.png", "b", "3.gif"]


async def test_boundary_inside_a_field_value(mp_app):
    app = await mp_app()
    tricky = f"--{BOUNDARY[:-2]} almost\r\n--{BOUNDARY}x not quite"
    body = form(("text", tricky), ("f", "a.txt.png", b"--" + BOUNDARY.encode() + b"-- inside"))
    res = await post(app, "/stream", body, chunk=13)
    assert res.status == 200, res.text
    data = res.json()
    assert data["fields"]["text"] == tricky
    assert data["files"][0]["size"] == len(BOUNDARY) + 11


async def test_get_file_stream(mp_app):
    app = await mp_app()
    body = form(("name", "ada"), ("file", "photo.jpg", b"J" * 1234), ("after", "ignored"))
    res = await post(app, "/first", body)
    assert res.json() == {"filename": "photo.jpg", "fields": {"name": "ada"}, "size": 1234}
    res = await post(app, "/first", form(("name", "ada")))
    assert res.status == 400 and "no file" in res.text


@pytest.mark.parametrize("mode", ["stream", "file"])
async def test_limits_name_the_key(mp_app, tmpdir_files, mode):
    app = await mp_app(mode=mode)
    url = "/stream" if mode == "stream" else "/upload"
    eleven = form(*[(f"f{i}", f"{i}.png", b"x") for i in range(11)])
    res = await post(app, url, eleven)
    assert res.status == 413 and "multipart.files is 10" in res.text
    res = await post(app, url, form(*[(f"k{i}", "v") for i in range(11)]))
    assert res.status == 413 and "multipart.fields is 10" in res.text
    res = await post(app, url, form(("big", "b" * (100 * 1024 + 1))))
    assert res.status == 413 and "multipart.field_size is 100kb" in res.text
    res = await post(app, url, form(("n" * 101, "v")))
    assert res.status == 413 and "multipart.field_name_size" in res.text
    big = b"z" * (10 * 1024 * 1024 + 1)
    res = await post(app, url, form(("file", "big.zip", big)), chunk=256 * 1024)
    assert res.status == 413 and "multipart.file_size is 10mb" in res.text
    exact = await post(app, url, form(("file", "ok.zip", big[:-1])), chunk=256 * 1024)
    assert exact.status == 200, exact.text
    assert tmpdir_files() == []


@pytest.mark.parametrize("mode", ["stream", "file"])
async def test_extension_white_list(mp_app, tmpdir_files, mode):
    app = await mp_app(mode=mode)
    url = "/stream" if mode == "stream" else "/upload"
    for name, ext in (("a.png.php", ".php"), ("shell.PHP", ".php"), ("noext", "(none)"), ("..\\..\\x.exe", ".exe")):
        res = await post(app, url, form(("f", name, b"<?php")))
        assert res.status == 400 and ext in res.text, (name, res.text)
    assert (await post(app, url, form(("f", "A.PNG", b"ok")))).status == 200
    more = await mp_app(mode=mode, file_ext_white_list=[".php"])
    assert (await post(more, url, form(("f", "a.png.php", b"x")))).status == 200
    fn = await mp_app(mode=mode, whitelist=lambda name: name.endswith(".txt"))
    assert (await post(fn, url, form(("f", "a.png", b"x")))).status == 400
    assert (await post(fn, url, form(("f", "a.txt", b"x")))).status == 200
    assert tmpdir_files() == []


async def test_file_mode_temp_files_are_removed(mp_app, tmpdir_files):
    app = await mp_app(mode="file")
    res = await post(app, "/upload", form(("title", "t"), ("title", "u"), ("f", "a.png", b"PNGDATA"),
                                          ("g", "b.txt.json", b"{}")), chunk=5)
    data = res.json()
    assert data["body"] == {"title": ["t", "u"]}
    assert [(f["filename"], f["size"], f["exists"], f["content"]) for f in data["files"]] == [
        ("a.png", 7, True, "PNGDATA"), ("b.txt.json", 2, True, "{}")]
    assert tmpdir_files() == []
    res = await post(app, "/upload-fail", form(("f", "a.png", b"PNG")))
    assert res.status == 500 and tmpdir_files() == []
    # a file written before a later part fails is removed too
    res = await post(app, "/upload", form(("f", "a.png", b"PNG"), ("g", "b.php", b"x")))
    assert res.status == 400 and tmpdir_files() == []


@pytest.mark.parametrize("body,why", [
    (b"not multipart at all", "invalid multipart"),
    (form(("a", "b"))[:-10], "ended before"),
    (b"--" + BOUNDARY.encode() + b"\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" + BOUNDARY.encode() + b"--\r\n",
     "without a name"),
])
async def test_bad_bodies_are_400(mp_app, tmpdir_files, body, why):
    for mode in ("stream", "file"):
        app = await mp_app(mode=mode)
        res = await post(app, "/stream" if mode == "stream" else "/upload", body)
        assert res.status == 400 and why in res.text, (mode, res.text)
    app = await mp_app()
    res = await post(app, "/stream", form(("a", "b")), boundary="")
    assert res.status == 400
    assert tmpdir_files() == []


async def test_csrf_runs_before_file_mode_writes(tmp_path, context_twin, tmpdir_files):
    app = Application(base_dir=FIXTURE, env="unittest", context_twin=context_twin,
                      config={"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "l"), "console": False},
                              "security": {"csrf": {"enable": True}},
                              "multipart": {"mode": "file", "tmpdir": str(tmpdir_files.folder)}})
    await app.ready()
    try:
        names = app.loader.middleware_names
        assert names.index("securities") < names.index("multipart")
        res = await post(app, "/upload", form(("f", "a.png", b"x")))
        assert res.status == 403 and not tmpdir_files.folder.exists()
    finally:
        await app.close()
        close_loggers(app)


async def test_config_errors(mp_app):
    with pytest.raises(ConfigError, match="config.multipart.mode"):
        await mp_app(mode="disk")
    with pytest.raises(ConfigError, match="config.multipart.file_size"):
        await mp_app(file_size="lots")


async def test_client_stopping_mid_upload_leaves_no_temp_file(mp_app, tmpdir_files):
    app = await mp_app(mode="file")
    server = await app.create_server("127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        body = form(("f", "big.zip", b"q" * 2_000_000))
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write((f"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                      f"Content-Length: {len(body)}\r\n\r\n").encode() + body[:1_000_000])
        await writer.drain()
        for _ in range(200):  # until the temp file exists (the upload is under way)
            if tmpdir_files():
                break
            await asyncio.sleep(0.01)
        assert tmpdir_files(), "the upload never started"
        writer.transport.abort()
        for _ in range(500):
            if not tmpdir_files():
                break
            await asyncio.sleep(0.01)
        assert tmpdir_files() == []
    finally:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 10)
