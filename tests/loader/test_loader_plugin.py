"""Plugins: declarations, metadata, env filtering, dependency order, errors (SPEC §4)."""
from __future__ import annotations

import json
import logging

import pytest

from loader_helpers import fixture_dir

#: the built-ins an app gets, in load order (onerror optionally depends on jsonp, so jsonp loads first, as in Egg)
BUILTIN = ["jsonp", "onerror", "session", "i18n", "multipart", "security", "logrotator", "schedule", "static", "view"]
#: in the local env the development plugin (env = ["local"]) comes too
BUILTIN_LOCAL = ["jsonp", "onerror", "session", "i18n", "multipart", "security", "development", "logrotator", "schedule", "static", "view"]
#: declared but off until an app turns it on
BUILTIN_OFF = ["session_redis"]
#: every built-in, in Egg's order (session_redis right after the session it needs)
BUILTIN_PLUGINS_ORDER = ["onerror", "session", "session_redis", "i18n", "multipart", "security", "development", "logrotator", "schedule", "static",
                         "jsonp", "view"]
#: their load order with session_redis on
BUILTIN_LOADED_WITH_REDIS = ["jsonp", "onerror", "session", "session_redis", "i18n", "multipart", "security", "development", "logrotator", "schedule", "static", "view"]


def test_only_working_builtin_plugins_are_declared(make_app):
    """A built-in plugin is listed only once it does something: no placeholder folders."""
    from eggfast.config.plugin import BUILTIN_PLUGINS

    app = make_app("folder-name", env="local")
    assert list(app.plugins) == BUILTIN_LOCAL
    assert BUILTIN_PLUGINS_ORDER == list(BUILTIN_PLUGINS)
    assert "session_redis" not in app.plugins
    app = make_app("folder-name", env="local", plugins={"session_redis": True})
    assert list(app.plugins) == BUILTIN_LOADED_WITH_REDIS
    for name in BUILTIN_PLUGINS:
        root = app.plugins[name].root
        assert root.name == name and app.plugins[name].package == f"eggfast.plugins.{name}"
        code = [p for p in root.rglob("*.py") if p.name != "__init__.py"]
        assert code, f"built-in plugin {name!r} has no code beyond __init__.py"
    import eggfast.plugins

    folders = {p.name for p in __import__("pathlib").Path(eggfast.plugins.__file__).parent.iterdir()
               if p.is_dir() and not p.name.startswith("__")}
    assert folders == set(BUILTIN_PLUGINS), "a plugin folder that is not declared in eggfast/config/plugin.py"


def test_builtin_plugins_are_the_same_in_every_env_but_local(make_app):
    assert list(make_app("folder-name", env="unittest").plugins) == BUILTIN
    assert list(make_app("folder-name", env="prod", config={"keys": "k"}).plugins) == BUILTIN


def test_app_turns_a_builtin_off(make_app):
    app = make_app("folder-name", plugins={"onerror": False})
    assert "onerror" not in app.plugins


def test_app_may_turn_off_a_plugin_eggfast_does_not_ship_yet(make_app):
    """An Egg app's plugin.py often says {"watcher": False}: that is not an error."""
    app = make_app("folder-name", plugins={"watcher": False})
    assert list(app.plugins) == BUILTIN


def test_app_turns_session_off(make_app):
    app = make_app("folder-name", plugins={"session": False})
    assert list(app.plugins) == ["jsonp", "onerror", "i18n", "multipart", "security", "logrotator", "schedule", "static", "view"]
    assert "session" not in app.loader.middleware_names
    assert not hasattr(app.context_class, "session")


def test_order_implicit_enable_env_and_optional(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="eggfast.core.loader"):
        app = make_app("plugin-deps")
    mine = [n for n in app.plugins if n not in BUILTIN]
    # a needs b and e (e declared disabled → enabled implicitly); c optionally needs d
    assert mine == ["b", "e", "a", "d", "c", "h"]
    assert app.plugins["e"].implicit and not app.plugins["a"].implicit
    assert "enabled implicitly" in caplog.text and "'e'" in caplog.text
    assert "f" not in app.plugins and "g" not in app.plugins  # env ["prod"]: from metadata / declaration
    assert "off" not in app.plugins
    assert app.plugins["a"].from_ == str(fixture_dir("plugin-deps") / "config/plugin.py")
    assert app.plugins["h"].from_ == str(fixture_dir("plugin-deps") / "config/plugin.unittest.py")


def test_prod_env_keeps_prod_plugins(make_app):
    app = make_app("plugin-deps", env="prod", config={"keys": "k"})
    assert "f" in app.plugins and "g" in app.plugins and "h" not in app.plugins


def test_egg_plugins_env_var(make_app, monkeypatch):
    monkeypatch.setenv("EGG_PLUGINS", json.dumps({"view": False, "jsonp": {"enable": False}}))
    app = make_app("folder-name")
    assert "view" not in app.plugins
    assert "jsonp" not in app.plugins


def test_missing_dependency_names_chain_and_file(load_error):
    msg = load_error("plugin-missing-dep")
    assert str(fixture_dir("plugin-missing-dep") / "plugins/a/eggfast.toml") in msg
    assert "chain: a -> ghost" in msg and "not declared" in msg


def test_dependency_filtered_by_env(load_error):
    msg = load_error("plugin-env-dep")
    assert "chain: a -> b" in msg and "not enabled in env 'unittest'" in msg


def test_cycle_names_the_chain(load_error):
    msg = load_error("plugin-cycle")
    assert "plugin dependency cycle: a -> b -> a" in msg and "eggfast.toml" in msg


@pytest.mark.parametrize("name, words", [
    ("plugin-bad-path", ["config/plugin.py", "path", "is not a directory"]),
    ("plugin-bad-package", ["config/plugin.py", "cannot find package 'eggfast_no_such_plugin_pkg'"]),
    ("plugin-no-source", ["config/plugin.py", "'mystery'", "neither 'package' nor 'path'"]),
    ("plugin-bad-key", ["config/plugin.py", "unknown key(s) ['enabled']"]),
])
def test_plugin_declaration_errors(load_error, name, words):
    msg = load_error(name)
    assert str(fixture_dir(name)) in msg
    for word in words:
        assert word in msg


def test_plugin_units_load_before_frameworks_and_app(make_app):
    app = make_app("order")
    units = app.loader.get_load_units()
    kinds = [u.type for u in units]
    assert kinds[-1] == "app" and kinds[-2] == "framework"
    names = [u.name for u in units if u.type == "plugin"]
    assert names.index("b") < names.index("a")
