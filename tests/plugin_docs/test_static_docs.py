"""docs/static.md's example app, executed."""
from __future__ import annotations

from docs_helpers import call, files_of, serve


async def test_the_static_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("static.md", "An app with static files"))
    try:
        res = await call(app, "/public/hello.txt")
        assert res.status == 200 and res.body == b"hello from a file\n"
        assert res.header("x-frame-options") == "SAMEORIGIN"  # the security plugin ran first
        again = await call(app, "/public/hello.txt", {"if-none-match": res.header("etag")}, method="HEAD")
        assert again.status == 304
        css = await call(app, "/assets/app.css")
        assert css.body == b"body { color: #333; }\n" and css.header("content-type") == "text/css; charset=utf-8"
        assert (await call(app, "/public/hello.txt", method="POST")).status in (403, 404)
    finally:
        await app.close()
