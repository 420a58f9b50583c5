"""config.custom_loader: app.<prop> and lazy ctx.<prop> (Egg's customLoader)."""
from __future__ import annotations

from loader_helpers import fixture_dir


def test_app_and_ctx_injection(make_app):
    app = make_app("custom-loader")
    assert app.model.UserInfo.table == "user_info"  # case_style upper
    ctx = app.create_anonymous_context()
    assert ctx.repo.item is ctx.repo.item and ctx.repo.item.path() == "/"
    assert app.create_anonymous_context().repo.item is not ctx.repo.item


def test_existing_property_is_an_error(load_error):
    msg = load_error("custom-loader-clash")
    assert str(fixture_dir("custom-loader-clash") / "config/config.default.py") in msg
    assert "app.router already exists" in msg
