"""docs/multipart.md's example app, executed (with the CSRF token, as a browser form sends it)."""
from __future__ import annotations

import hashlib

from eggfast.testing import BytesBody, RecordingStream, make_raw

from docs_helpers import call, files_of, serve

B = "docsBoundary"


def body(*parts) -> bytes:
    out = b""
    for part in parts:
        if len(part) == 2:
            out += f'--{B}\r\nContent-Disposition: form-data; name="{part[0]}"\r\n\r\n{part[1]}\r\n'.encode()
        else:
            out += (f'--{B}\r\nContent-Disposition: form-data; name="{part[0]}"; filename="{part[1]}"\r\n'
                    f"Content-Type: image/png\r\n\r\n").encode() + part[2] + b"\r\n"
    return out + f"--{B}--\r\n".encode()


async def test_the_multipart_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("multipart.md", "An upload app"))
    try:
        first = await call(app, "/nothing")
        cookie = [c for c in first.header_values("set-cookie") if c.startswith("csrfToken=")][0].split(";")[0]
        token = cookie.split("=", 1)[1]

        async def post(url, data):
            raw = make_raw("POST", url, {"content-type": f"multipart/form-data; boundary={B}",
                                         "content-length": str(len(data)), "cookie": cookie,
                                         "x-csrf-token": token})
            raw.body = BytesBody(data)
            stream = RecordingStream()
            await app.handler(raw, stream)
            return stream

        png = b"\x89PNG" * 100
        res = await post("/upload", body(("title", "hi"), ("pic", "a.png", png)))
        assert res.json() == {"fields": {"title": "hi"},
                              "files": [{"name": "a.png", "size": 400, "sha256": hashlib.sha256(png).hexdigest()[:12]}]}
        res = await post("/avatar", body(("user", "ada"), ("pic", "me.png", png)))
        assert res.json() == {"user": "ada", "bytes": 400}
        assert (await post("/upload", body(("pic", "a.png.php", b"<?php")))).status == 400
    finally:
        await app.close()
