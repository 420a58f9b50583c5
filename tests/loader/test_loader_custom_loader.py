"""config.custom_loader: app.<prop> and lazy ctx.<prop> (Egg's customLoader)."""
from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("name", ["service", "middleware"])
def test_name_of_a_later_stage_is_an_error(load_error, name):
    # ctx.service / app.middleware ... are defined by stages that run after the custom
    # loaders: a custom loader of that name passed the clash check and was overwritten.
    fixture = f"custom-loader-clash-{name}"
    msg = load_error(fixture)
    assert msg.startswith(f"{fixture_dir(fixture) / 'config' / 'config.default.py'}: custom_loader.{name}: ")
    assert f"'{name}' is reserved" in msg
