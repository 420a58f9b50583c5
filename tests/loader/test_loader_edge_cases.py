"""Edge cases of the Egg layer: config lists per app, implicit plugin enabling by env, slow sync hooks, plugin metadata types, dump masking."""
from __future__ import annotations

import pytest

from loader_helpers import fixture_dir
from eggfast.defaults import CONFIG as CORE_DEFAULTS


def test_config_lists_are_not_shared_between_apps(make_app):
    # An app that edits a default list in place must not change eggfast's
    # defaults, nor the config of the next app built in the same process.
    first = make_app("config-list-mutate")
    assert first.config.override_method.allowed_methods == ["POST", "PUT"]
    assert CORE_DEFAULTS["override_method"]["allowed_methods"] == ["POST"]
    assert CORE_DEFAULTS["body_parser"]["enable_types"] == ["json", "form"]
    second = make_app("config-list-mutate")
    assert second.config.override_method.allowed_methods == ["POST", "PUT"]
    assert second.config.body_parser.enable_types == ["json", "form", "text"]


def test_implicit_enable_respects_env_of_declaration(load_error):
    msg = load_error("plugin-implicit-env")
    assert "plugin 'a' requires plugin 'b'" in msg and "not enabled in env 'unittest'" in msg


def test_implicit_enable_respects_env_of_metadata(load_error):
    msg = load_error("plugin-implicit-env", plugins={"a": False, "x": True})
    assert "plugin 'x' requires plugin 'c'" in msg and "not enabled in env 'unittest'" in msg


def test_implicit_enable_in_matching_env(make_app):
    app = make_app("plugin-implicit-env", env="prod", config={"keys": "k"}, plugins={"x": True})
    assert app.plugins["b"].implicit and app.plugins["c"].implicit


async def test_slow_sync_hook_in_async_stage_is_logged(make_app, caplog):
    app = make_app("boot-slow-sync")
    app.core_logger.addHandler(caplog.handler)  # eggfast loggers do not propagate to root
    try:
        await app.ready()
    finally:
        app.core_logger.removeHandler(caplog.handler)
    where = str(fixture_dir("boot-slow-sync") / "app.py")
    assert f"did_load in {where} was slow" in caplog.text
    assert f"did_ready in {where} was slow" in caplog.text
    await app.close()


def test_plugin_env_must_be_a_list(load_error):
    msg = load_error("plugin-env-string")
    assert msg.startswith(str(fixture_dir("plugin-env-string") / "config" / "plugin.py"))
    assert "plugin 'a'" in msg and "'env' must be a list" in msg


def test_plugin_metadata_dependencies_must_be_a_list(load_error):
    msg = load_error("plugin-deps-string")
    assert msg.startswith(str(fixture_dir("plugin-deps-string") / "plugins" / "a" / "eggfast.toml"))
    assert "'dependencies' must be a list" in msg


def test_dump_masks_eggs_camel_case_secret_names_too():
    from eggfast.egg.application import mask_config

    masked = mask_config({"oss": {"accessKey": "abcd", "masterKey": "xy", "access_key": "z", "master_key": "w"}})
    assert masked == {"oss": {"accessKey": "<String len: 4>", "masterKey": "<String len: 2>",
                              "access_key": "<String len: 1>", "master_key": "<String len: 1>"}}


def test_framework_that_fails_on_import_is_one_line_naming_the_source(tmp_path, monkeypatch):
    import sys

    from eggfast.errors import ConfigError
    from eggfast.egg.single_process import resolve_framework

    fw = tmp_path / "review_broken_fw"
    fw.mkdir()
    (fw / "__init__.py").write_text("raise RuntimeError('no database\\nconfigured')\n")
    (tmp_path / "eggfast.toml").write_text('[app]\nframework = "./review_broken_fw"\n')
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(ConfigError) as info:
        resolve_framework(tmp_path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(tmp_path / "eggfast.toml")) and "RuntimeError: no database configured" in msg
    sys.modules.pop("review_broken_fw", None)


def test_middleware_list_given_as_a_string(load_error):
    msg = load_error("mw-list-string")
    assert msg.startswith(str(fixture_dir("mw-list-string") / "config" / "config.default.py"))
    assert "'middleware' must be a list of names" in msg


def test_match_list_of_prefixes_reads_the_path_once():
    # match/ignore is compiled once at start-up; per request a list of
    # prefixes costs one read of ctx.path, not one per pattern.
    import re

    from eggfast.loader.middleware import path_matcher

    class Ctx:
        reads = 0

        @property
        def path(self):
            Ctx.reads += 1
            return "/zzz"

    test = path_matcher(["/a", "/b/", "/c", re.compile(r"^/z"), "/d"])
    assert test(Ctx()) is True
    assert Ctx.reads <= 2  # the prefixes together, then the regex
    Ctx.reads = 0
    assert path_matcher(["/a", "/b", "/c"])(Ctx()) is False and Ctx.reads == 1
    assert path_matcher("/api")(type("C", (), {"path": "/api/x"})()) is True
    assert path_matcher("/api")(type("C", (), {"path": "/apix"})()) is False
    assert path_matcher("/")(type("C", (), {"path": "/anything"})()) is True
