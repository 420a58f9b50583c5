"""docs/i18n.md's example app, executed."""
from __future__ import annotations

from docs_helpers import call, files_of, serve


async def test_the_i18n_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("i18n.md", "An app in two languages"))
    try:
        res = await call(app, "/profile?locale=zh-CN")
        assert res.json() == {"locale": "zh-cn", "label": "邮箱", "welcome": "欢迎回来，ada！", "hello": "你好 ada"}
        assert any(c.startswith("locale=zh-cn;") for c in res.header_values("set-cookie"))
        assert (await call(app, "/profile", {"cookie": "locale=zh-cn"})).json()["label"] == "邮箱"
        assert (await call(app, "/profile", {"accept-language": "zh"})).json()["locale"] == "zh-cn"
        assert (await call(app, "/profile")).json() == {"locale": "en-us", "label": "Email address",
                                                        "welcome": "Welcome back, ada!", "hello": "Hello ada"}
    finally:
        await app.close()
