"""The view plugin on both context twins: jinja2 rendering, roots, mapping, locals, escaping, errors, cache."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from eggfast import Application
from eggfast.errors import ConfigError
from eggfast.logger import close_loggers
from eggfast.testing import RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "view"


@pytest.fixture
def base(tmp_path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
async def view_app(base, tmp_path, context_twin):
    made = []

    async def make(env: str = "unittest", **config) -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
                   **config}
        app = Application(base_dir=base, env=env, config=options, context_twin=context_twin)
        made.append(app)
        await app.ready()
        return app

    yield make
    for app in made:
        await app.close()
        close_loggers(app)


async def call(app, url, headers=None):
    stream = RecordingStream()
    await app.handler(make_raw("GET", url, headers or {}), stream)
    return stream


async def test_render_with_layout_helper_ctx_and_autoescape(view_app):
    app = await view_app()
    res = await call(app, "/")
    assert res.status == 200 and res.header("content-type") == "text/html; charset=utf-8"
    assert res.text == ("<html><body><h1>&lt;b&gt;Hi&lt;/b&gt;</h1><p>ADA!</p><p>/</p><p>eggfast</p></body></html>")


async def test_csrf_and_nonce_in_templates(view_app):
    app = await view_app()
    res = await call(app, "/form")
    token = re.search(r'name="_csrf" value="([^"]+)"', res.text).group(1)
    nonce = re.search(r'nonce="([^"]+)"', res.text).group(1)
    assert token and nonce
    assert f"'nonce-{nonce}'" in res.header("content-security-policy")
    assert any(c.startswith("csrfToken=") for c in res.header_values("set-cookie"))


async def test_template_that_raises_is_a_500_without_partial_output(view_app):
    app = await view_app(env="prod", keys="k")  # prod: the error page shows no traceback
    res = await call(app, "/raises")
    assert res.status == 500 and b"before" not in res.body


async def test_render_string_and_render_view_and_mapping(view_app):
    app = await view_app()
    assert (await call(app, "/string")).text == "&lt;i&gt; & X!"  # data escaped, template text as written
    data = (await call(app, "/view")).json()
    assert data == {"html": "jinja ext 1", "second": "second root 2"}


async def test_missing_template_and_traversal_are_errors(view_app):
    app = await view_app()
    assert (await call(app, "/missing")).status == 500
    res = await call(app, "/traversal")
    assert res.status == 500 and b"keys" not in res.body


async def test_cache_off_in_local_on_elsewhere(view_app, base):
    local = await view_app(env="local", logger={"dir": str(base / "logs"), "console": False})
    prod = await view_app(env="prod", keys="k")
    assert local.view.options.cache is False and prod.view.options.cache is True
    assert "second root 2" in (await call(local, "/view")).text
    assert "second root 2" in (await call(prod, "/view")).text
    (base / "other_views" / "second.html").write_text("edited {{ x }}\n")
    assert "edited 2" in (await call(local, "/view")).text
    assert "second root 2" in (await call(prod, "/view")).text  # compiled template kept


async def test_custom_engine_and_bad_mapping(view_app):
    app = await view_app()

    class Upper:
        def __init__(self, app):
            self.app = app

        async def render(self, name, locals_, options):
            return name.upper()

        async def render_string(self, source, locals_, options):
            return source.upper()

    app.view.use("upper", Upper)
    assert await app.view.render_string("abc", {}, {"view_engine": "upper"}) == "ABC"
    with pytest.raises(ConfigError, match="view_engine|no view engine"):
        await app.view.render_string("abc", {}, {"view_engine": "nope"})
    with pytest.raises(ConfigError, match=r"config.view.mapping\['.nj'\]"):
        await view_app(view={"mapping": {".nj": "nunjucks"}})
