"""The i18n plugin on both context twins: locale files, locale choice, cookie write-back, formatting, templates."""
from __future__ import annotations

from pathlib import Path

import pytest

from eggfast import Application
from eggfast.errors import ConfigError
from eggfast.logger import close_loggers
from eggfast.plugins.i18n.i18n import format_message
from eggfast.testing import RecordingStream, make_raw

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "i18n"


@pytest.fixture
async def i18n_app(tmp_path, context_twin):
    made = []

    async def make(**config) -> Application:
        options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
                   **config}
        app = Application(base_dir=FIXTURE, env="unittest", config=options, context_twin=context_twin)
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


def locale_cookie(res):
    lines = [c for c in res.header_values("set-cookie") if c.startswith("locale=")]
    return lines[0] if lines else None


async def test_default_locale(i18n_app):
    app = await i18n_app()
    res = await call(app, "/email")
    assert res.json() == {"locale": "en-us", "email": "Email", "welcome": "Welcome back, ada!",
                          "pages": "1 of 3", "unknown": "Not translated x"}
    cookie = locale_cookie(res)
    assert cookie.startswith("locale=en-us;") and "httponly" not in cookie.lower()


async def test_locale_from_query_is_written_to_the_cookie(i18n_app):
    app = await i18n_app()
    res = await call(app, "/email?locale=zh-CN")
    data = res.json()
    assert data["locale"] == "zh-cn" and data["email"] == "邮箱" and data["welcome"] == "欢迎回来，ada！"
    assert data["pages"] == "第 1 页，共 3 页"
    assert data["unknown"] == "Not translated x"
    assert locale_cookie(res).startswith("locale=zh-cn;")


async def test_cookie_then_header_then_default(i18n_app):
    app = await i18n_app()
    res = await call(app, "/email", {"cookie": "locale=fr", "accept-language": "zh-CN"})
    assert res.json()["email"] == "Courriel" and locale_cookie(res) is None  # from the cookie: not rewritten
    res = await call(app, "/email", {"accept-language": "de;q=0.9, zh;q=0.8, en;q=0.1"})
    assert res.json()["locale"] == "zh-cn"  # zh matches the zh-CN file
    res = await call(app, "/email", {"accept-language": "fr-CA"})
    assert res.json()["locale"] == "fr"
    res = await call(app, "/email?locale=cn")  # an alias
    assert res.json()["locale"] == "zh-cn"


@pytest.mark.parametrize("bad", ["xx-YY", "../../etc/passwd", "%3Cscript%3E", "a" * 500, ""])
async def test_unknown_locale_falls_through(i18n_app, bad):
    app = await i18n_app()
    res = await call(app, f"/email?locale={bad}", {"accept-language": "fr"})
    assert res.status == 200 and res.json()["locale"] == "fr"
    res = await call(app, "/email", {"cookie": f"locale={bad[:50] or 'x'}"})
    assert res.json()["locale"] == "en-us"


async def test_in_templates_and_app(i18n_app):
    app = await i18n_app()
    res = await call(app, "/page?locale=zh-CN")
    assert res.text == "邮箱|你好 &lt;b&gt;"
    assert app.__("zh-CN", "Email") == "邮箱" and app.gettext("fr", "Email") == "Courriel"
    assert app.__("xx", "Email") == "Email"


async def test_config_errors(i18n_app):
    with pytest.raises(ConfigError, match="config.i18n.cookie_max_age"):
        await i18n_app(i18n={"cookie_max_age": "1y"})


def test_format_message():
    assert format_message("%s and %d and %j", ("a", "7", {"k": 1})) == 'a and 7 and {"k": 1}'
    assert format_message("{0}-{1}-{0}", ("x", "y")) == "x-y-x"
    assert format_message("{name}!{other}", ({"name": "n"},)) == "n!{other}"
    assert format_message("100%% %s", ("sure",)) == "100% sure"
    assert format_message("%s %s", ("only",)) == "only %s"
