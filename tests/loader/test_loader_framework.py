"""A two-level framework (examples/framework): yadan → yadan_plus → demo app (SPEC §4)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import eggfast
from loader_helpers import fixture_dir, request
from eggfast.errors import ConfigError
from eggfast.egg.single_process import resolve_framework

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "framework"


@pytest.fixture
def clean_imports(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in ("yadan", "yadan_plus"):
        sys.modules.pop(name, None)


async def test_two_level_framework(clean_imports, options):
    app = await eggfast.start(base_dir=EXAMPLES / "demo", env="unittest", **options())
    try:
        import yadan
        import yadan_plus

        assert isinstance(app, yadan_plus.Application) and isinstance(app, yadan.Application)
        assert isinstance(app.agent, yadan_plus.Agent)
        kinds = [(u.type, u.path.name) for u in app.loader.get_load_units() if u.type != "plugin"]
        assert kinds == [("framework", "eggfast"), ("framework", "yadan"), ("framework", "yadan_plus"),
                         ("app", "demo")]
        c = app.config
        assert (c.framework_name, c.level, c.yadan_only) == ("yadan_plus", "app", True)
        assert list(app.plugins) == ["jsonp", "onerror", "session", "i18n", "multipart", "security", "logrotator", "schedule", "static", "view"]  # onerror optionally depends on jsonp (as in Egg)
        assert app.loader.middleware_names[-1] == "yadan_header"
        res = await request(app, "GET", "/")
        body = res.json()
        assert body["framework"] == "yadan_plus" and body["level"] == "app"
        assert body["audit"].startswith("audited index at ")
        assert res.header("x-framework") == "yadan_plus"
    finally:
        await app.close()


def test_framework_errors(tmp_path, clean_imports):
    with pytest.raises(ConfigError, match="--framework: framework 'no_such_framework_pkg' cannot be imported"):
        resolve_framework(tmp_path, "no_such_framework_pkg")
    with pytest.raises(ConfigError, match="should define Application"):
        resolve_framework(tmp_path, "json")
    (tmp_path / "eggfast.toml").write_text('[app]\nframework = "./missing"\n')
    with pytest.raises(ConfigError, match="eggfast.toml: framework path .* is not a directory"):
        resolve_framework(tmp_path)


async def test_framework_agent_py_without_boot_is_the_framework_module(options, monkeypatch):
    # A framework laid out as eggfast is (Agent class in agent.py): a framework unit's
    # agent.py/app.py is a boot file only when it defines Boot; without one it is the
    # framework's own module, not a "missing export 'Boot'" error.
    monkeypatch.setattr(sys, "path", list(sys.path))
    try:
        app = await eggfast.start(base_dir=fixture_dir("framework-agent-module"), env="unittest", **options())
        try:
            import fw_agentmod

            assert isinstance(app, fw_agentmod.Application) and isinstance(app.agent, fw_agentmod.Agent)
            assert app.framework_booted is True  # the framework's app.py does define Boot: it runs
            # agent.py is no boot file: the only agent boots are the built-in plugins' own
            assert all("eggfast/plugins/" in path for _boot, path in app.agent.lifecycle.boots)
        finally:
            await app.close()
    finally:
        for name in [n for n in sys.modules if n == "fw_agentmod" or n.startswith("fw_agentmod.")]:
            sys.modules.pop(name)


def test_app_and_plugin_boot_file_without_boot_is_still_an_error(load_error):
    # the relaxed rule is for framework units only
    msg = load_error("boot-no-export")
    assert msg.startswith(f"{fixture_dir('boot-no-export') / 'app.py'}: missing export 'Boot'")
    msg = load_error("plugin-boot-no-export")
    assert msg.startswith(f"{fixture_dir('plugin-boot-no-export') / 'plugins' / 'noboot' / 'app.py'}: "
                          "missing export 'Boot'")
