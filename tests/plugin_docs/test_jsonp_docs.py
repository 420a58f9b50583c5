"""docs/jsonp.md's example app, executed."""
from __future__ import annotations

from docs_helpers import call, files_of, serve


async def test_the_jsonp_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("jsonp.md", "An app with a JSONP route"))
    try:
        res = await call(app, "/api/user?callback=show")
        assert res.text == """/**/ typeof show === 'function' && show({"name":"ada"});"""
        assert (await call(app, "/api/me?callback=show")).status == 403
        ok = await call(app, "/api/me?callback=show", {"referer": "https://www.example.com/page"})
        assert ok.status == 200
        evil = await call(app, "/api/user?callback=%3Cscript%3Ealert(1)%3C/script%3E")
        assert evil.text.startswith("/**/ typeof scriptalert1script === 'function'")
    finally:
        await app.close()
