"""docs/session.md's examples, executed: each section's files are written into an app folder and served."""
from __future__ import annotations

import re
from pathlib import Path

import orjson

from eggfast import Application

from session_helpers import Browser

DOC = Path(__file__).resolve().parents[2] / "docs" / "session.md"


def files_of(section: str) -> dict[str, str]:
    """``path -> source`` of the ```python blocks in ``## <section>`` that start with ``# <path>``."""
    text = DOC.read_text()
    body = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M).group(1)
    blocks = re.findall(r"```python\n# (\S+)\n(.*?)```", body, re.S)
    assert blocks, f"no file blocks in section {section!r}"
    return {path: source for path, source in blocks}


async def serve(tmp_path: Path, context_twin, files: dict[str, str], **config) -> Application:
    base = tmp_path / "app"
    for path, source in files.items():
        target = base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
               **config}
    app = Application(base_dir=base, env="unittest", config=options, context_twin=context_twin)
    await app.ready()
    return app


async def post(browser: Browser, path: str, data: dict):
    return await browser.get(path, method="POST", body=orjson.dumps(data),
                             headers={"content-type": "application/json"})


async def login_visit_logout(app: Application) -> Browser:
    browser = Browser(app)
    res = await post(browser, "/login", {"name": "ada"})
    assert res.status == 200 and orjson.loads(res.body) == {"user": "ada"}
    assert (await browser.json("/me")) == {"user": "ada", "visits": 1, "max_age": 86400}
    assert (await browser.json("/me"))["visits"] == 2
    await post(browser, "/login", {"name": "bob", "remember": True})
    assert (await browser.json("/me")) == {"user": "bob", "visits": 1, "max_age": 30 * 86400}
    res = await post(browser, "/logout", {})
    assert res.status == 204 and "EGG_SESS" not in browser.jar
    assert (await browser.json("/me")) == {"user": None, "visits": 1, "max_age": 86400}
    return browser


async def test_the_app_example(tmp_path, context_twin):
    app = await serve(tmp_path, context_twin, files_of("An app with sessions"))
    try:
        browser = Browser(app)
        await post(browser, "/login", {"name": "ada"})
        line = browser.session_line()
        assert line.startswith("EGG_SESS=") and line.endswith("; samesite=Lax; httponly")
        assert "; path=/; max-age=86400; expires=" in line
        await login_visit_logout(app)
    finally:
        await app.close()


async def test_the_memory_store_example(tmp_path, context_twin):
    files = {**files_of("An app with sessions"), **files_of("External stores: `app.session_store`")}
    app = await serve(tmp_path, context_twin, files)
    try:
        assert type(app.session_store).__name__ == "MemoryStore"
        browser = await login_visit_logout(app)
        assert len(app.session_store.sessions) == 1  # the anonymous session of the last /me
        assert list(app.session_store.sessions) == [browser.jar["EGG_SESS"]]
    finally:
        await app.close()


async def test_the_redis_example(tmp_path, context_twin, redis_server):
    files = {**files_of("An app with sessions"), **files_of("Redis: the `session_redis` plugin")}
    app = await serve(tmp_path, context_twin, files, redis={"client": {"port": redis_server.port}})
    try:
        browser = await login_visit_logout(app)
        client = app.session_store.client
        assert await client.exists("shop:sess:" + browser.jar["EGG_SESS"]) == 1
        await client.delete("shop:sess:" + browser.jar["EGG_SESS"])
    finally:
        await app.close()
