"""docs/view.md's example app, executed."""
from __future__ import annotations

import re

from docs_helpers import call, files_of, serve


async def test_the_view_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("view.md", "An app with templates"))
    try:
        res = await call(app, "/posts/1")
        assert res.status == 200 and res.header("content-type") == "text/html; charset=utf-8"
        text = res.text
        assert "<title>&lt;Hello&gt;</title>" in text and "<h1>&lt;Hello&gt;</h1>" in text
        assert "a rather l… on my blog at /posts/1" in text
        assert re.search(r'name="_csrf" value="[^"]+"', text)
        assert any(c.startswith("csrfToken=") for c in res.header_values("set-cookie"))
    finally:
        await app.close()
