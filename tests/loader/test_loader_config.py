"""Config: env detection, merge order, functions, EGG_APP_CONFIG, keys, dump (SPEC §3)."""
from __future__ import annotations

import json

import pytest

from loader_helpers import fixture_dir
from eggfast.loader.app_info import AppInfo, detect_env


def test_merge_order_and_env_files(make_app):
    app = make_app("config-env")
    c = app.config
    # plugin < framework < app for config.default; any config.<env> over every default
    assert c.which == "unittest"
    assert c.nested == {"a": 1, "b": {"c": 20, "d": 3}}
    assert c["nested"]["b"]["c"] == c.nested.b.c == 20
    assert c["items"] == [9]  # lists replace (dict methods such as items/keys need [])
    assert c.from_plugin is True and c.plugin_env == "unittest"
    assert c.plugin_saw_keys == "k1,k2"  # plugin config functions get the app's preloaded config
    assert c.name_seen == "config-env-app" and c.root_seen == str(fixture_dir("config-env"))
    assert c.env == "unittest" and app.env == "unittest"
    assert c.core_middleware[:5] == ["meta", "site_file", "notfound", "body_parser", "override_method"]


def test_prod_env_file(make_app):
    app = make_app("config-env", env="prod")
    assert app.config.which == "prod" and app.config["items"] == [1, 2, 3]


def test_egg_app_config_wins(make_app, monkeypatch):
    monkeypatch.setenv("EGG_APP_CONFIG", json.dumps({"which": "env-var", "nested": {"a": 5}}))
    app = make_app("config-env")
    assert app.config.which == "env-var" and app.config.nested.a == 5 and app.config.nested.b.c == 20


def test_bad_egg_app_config(load_error, monkeypatch):
    monkeypatch.setenv("EGG_APP_CONFIG", "{nope")
    assert load_error("config-env").startswith("EGG_APP_CONFIG: invalid JSON")


def test_env_detection(tmp_path, monkeypatch):
    monkeypatch.delenv("EGG_SERVER_ENV", raising=False)
    assert detect_env(tmp_path) == "local"
    assert detect_env(fixture_dir("config-envfile")) == "prod"
    monkeypatch.setenv("EGG_SERVER_ENV", "staging")
    assert detect_env(fixture_dir("config-envfile")) == "staging"
    assert detect_env(tmp_path, "unittest") == "unittest"


def test_env_file_selects_prod(make_app, monkeypatch):
    monkeypatch.delenv("EGG_SERVER_ENV", raising=False)
    app = make_app("config-envfile", env=None)
    assert app.config.env == "prod" and "development" not in app.plugins


def test_app_name_sources(tmp_path):
    assert AppInfo.from_base_dir(fixture_dir("config-env"), "local").name == "config-env-app"
    assert AppInfo.from_base_dir(fixture_dir("pyproject-name"), "local").name == "from-pyproject"
    info = AppInfo.from_base_dir(fixture_dir("folder-name"), "prod")
    assert info.name == "folder-name" and info.root == info.home


def test_keys_required_in_prod(load_error):
    msg = load_error("no-keys", env="prod")
    assert str(fixture_dir("no-keys") / "config/config.prod.py") in msg and "'keys' is required" in msg


def test_keys_not_required_elsewhere(make_app):
    assert make_app("no-keys", env="local").config["keys"] == ""


@pytest.mark.parametrize("name, words", [
    ("config-bad-export", ["config/config.default.py", "missing export 'config'"]),
    ("config-not-dict", ["config/config.default.py", "must be a dict"]),
    ("config-raises", ["config/config.default.py", "config() raised KeyError"]),
    ("config-core-mw", ["config/config.default.py", "only frameworks may set 'core_middleware'"]),
    ("config-confused", ["config/config.default.py", "did you mean 'body_parser'"]),
    ("plugin-sets-middleware", ["plugins/p/config/config.default.py", "only the app may set 'middleware'"]),
])
def test_config_mistakes(load_error, name, words):
    msg = load_error(name)
    for word in words:
        assert word in msg


async def test_dump_masks_secrets_and_records_sources(make_app, tmp_path):
    app = make_app("config-env")
    await app.ready()
    data = json.loads((tmp_path / "run" / "application_config.json").read_text())
    config = data["config"]
    assert config["password"] == "<String len: 7>"
    assert config["keys"] == "<String len: 5>"
    assert config["db"] == {"user": "u", "secret_key": "<String len: 3>", "port": 5432,
                            "access_token": "<String len: 3>"}
    assert config["handler"] == "<Function len>"
    assert "p" in data["plugins"]
    meta = json.loads((tmp_path / "run" / "application_config_meta.json").read_text())
    assert meta["which"] == str(fixture_dir("config-env") / "config/config.unittest.py")
    assert meta["nested"]["a"] == str(fixture_dir("config-env") / "config/config.default.py")
    assert meta["from_plugin"] == str(fixture_dir("config-env") / "plugins/p/config/config.default.py")
    assert meta["rundir"] == "options.config"
    timing = json.loads((tmp_path / "run" / "application_timing.json").read_text())
    names = [i["name"] for i in timing["items"]]
    assert "Load Plugin" in names and "Load Config" in names and "Load Router" in names
    await app.close()


def test_env_default_loads_each_file_once(make_app, monkeypatch):
    # With env "default" the env file of "config.default.py" is the same file: it was loaded
    # (and its config function run) twice.  Egg: env "default" loads only the default files.
    import collections

    import eggfast.loader.config as config_loader
    import eggfast.loader.extend as extend_loader
    import eggfast.loader.plugin as plugin_loader

    loads: collections.Counter = collections.Counter()
    for module in (config_loader, extend_loader, plugin_loader):
        real = module.load_module

        def spy(path, _real=real):
            loads[str(path)] += 1
            return _real(path)

        monkeypatch.setattr(module, "load_module", spy)
    app = make_app("env-default", env="default")
    root = fixture_dir("env-default")
    assert app.config.env == "default" and app.config.who == "app" and app.config.plugin_p.loaded is True
    assert loads[str(root / "config" / "config.default.py")] == 1
    assert loads[str(root / "plugins" / "p" / "config" / "config.default.py")] == 1
    assert loads[str(root / "config" / "plugin.py")] == 1
    assert loads[str(root / "app" / "extend" / "context.py")] == 1
    # only the default files: plugin.py and context.py are the default ones
    assert str(root / "config" / "plugin.default.py") not in loads
    assert str(root / "app" / "extend" / "context.default.py") not in loads
    assert [n for n, c in loads.items() if c > 1] == []
