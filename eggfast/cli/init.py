"""``eggfast init DIR [--type simple|plugin|framework]``: scaffold a runnable, tested project.

    eggfast init myapp                 # an app: controller, service, middleware, config per env, a test
    eggfast init my_plugin --type plugin
    eggfast init my_framework --type framework

DIR must not exist or be empty (a non-empty DIR is refused with one line,
exit 1).  Each project has a README with its two commands (test and serve)
and tests that use the eggfast pytest plugin (``app`` fixture,
``app.http_request()``): ``cd DIR && python -m pytest`` passes.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Optional, Sequence

__all__ = ["add_init_arguments", "run_init", "scaffold", "TYPES"]

TYPES = ("simple", "plugin", "framework")

_PYPROJECT = '''[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["eggfast"]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-asyncio>=0.23"]

[tool.pytest.ini_options]
testpaths = ["tests"]
asyncio_mode = "auto"
asyncio_default_fixture_loop_scope = "function"
addopts = "-p no:cacheprovider"

[tool.mypy]
# `eggfast typings` writes typings/: ctx.service.x, app.controller.x and app.config keys are typed
mypy_path = "typings"
explicit_package_bases = true

[[tool.mypy.overrides]]
module = ["eggfast", "eggfast.*"]
follow_imports = "silent"
'''

_GITIGNORE = "run/\nlogs/\n__pycache__/\ntypings/\n"


class _Raw(str):
    """A template written as it is (its braces are code, not fields)."""

# -- an app (simple; also the test app of plugin and framework projects) --------------------------

_APP_FILES = {
    "eggfast.toml": '[app]\nname = "{name}"\n{framework_line}',
    "config/config.default.py": '''"""Config for every env; config.<env>.py files override it (local, unittest, prod)."""


def config(app_info):
    return {{
        # signs cookies and the session: change it and keep it secret in production
        "keys": f"{{app_info.name}}_change_me_{key}",
        "middleware": ["timing"],
        "timing": {{"header": "X-Response-Time"}},
        "greeting": {{"word": "Hello"}},
    }}
''',
    "config/config.local.py": _Raw('''"""`eggfast dev` (env local)."""

config = {"greeting": {"word": "Hi"}}
'''),
    "config/config.unittest.py": _Raw('''"""Tests (env unittest, set by the eggfast pytest plugin)."""

config = {"greeting": {"word": "Hello"}}
'''),
    "config/config.prod.py": _Raw('''"""`eggfast start` (env prod)."""

config = {"timing": {"header": "X-Response-Time"}}
'''),
    "app/router.py": _Raw('''"""Routes: `setup(app)` is called once the controllers are loaded."""


def setup(app):
    router, controller = app.router, app.controller
    router.get("/", controller.home.index)
    router.get("/hello/:name", controller.home.hello)
'''),
    "app/controller/home.py": _Raw('''"""A class controller: one instance per request (`self.ctx`, `self.service`, `self.config`)."""
from eggfast import Controller


class HomeController(Controller):
    async def index(self) -> None:
        self.ctx.body = "Hello, eggfast!\\n"

    async def hello(self) -> None:
        name = self.ctx.params["name"]
        self.ctx.body = {"message": await self.service.greeting.greet(name)}
'''),
    "app/service/greeting.py": _Raw('''"""A service: `ctx.service.greeting`, created once per request."""
from eggfast import Service


class GreetingService(Service):
    async def greet(self, name: str) -> str:
        return f"{self.config.greeting.word}, {name}!"
'''),
    "app/middleware/timing.py": _Raw('''"""App middleware (listed in config "middleware"): adds the response time header."""
import time


def middleware(options, app):
    header = options.get("header", "X-Response-Time")

    async def timing(ctx, next):
        start = time.perf_counter()
        await next()
        ctx.set(header, f"{(time.perf_counter() - start) * 1000:.3f}ms")

    return timing
'''),
}

_APP_TEST = '''"""Tests with the eggfast pytest plugin: `app` is ready, every mock is undone after each test."""


async def test_index(app):
    await app.http_request().get("/").expect(200).expect("Hello, eggfast!\\n")


async def test_hello_uses_the_service(app):
    res = await app.http_request().get("/hello/egg").expect(200).expect("x-response-time", {regex})
    assert res.json() == {{"message": "Hello, egg!"}}


async def test_mock_service(app):
    app.mock_service("greeting", "greet", "mocked")
    await app.http_request().get("/hello/egg").expect(200, {{"message": "mocked"}})
'''

_README_APP = '''# {name}

An [eggfast](https://pypi.org/project/eggfast/) app.

    python -m pytest                 # run the tests (env unittest)
    eggfast dev --port 7001          # serve it on http://127.0.0.1:7001 (env local)

`eggfast typings` writes `typings/` so that mypy and your editor know
`ctx.service.greeting`, `app.controller.home` and `app.config`.
Layout: `app/controller`, `app/service`, `app/middleware`, `app/router.py`,
`config/config.<env>.py`, `tests/`.
'''

# -- a plugin ---------------------------------------------------------------------------------------

_PLUGIN_FILES = {
    "eggfast.toml": '[plugin]\nname = "{name}"\n',
    "config/config.default.py": '''"""The plugin's config defaults: an app overrides them under its "{name}" key."""

config = {{"{name}": {{"header": "X-{title}", "value": "on"}}}}
''',
    "app.py": '''"""Boot hooks: mount the plugin's middleware after the core ones."""


class Boot:
    def __init__(self, app):
        self.app = app

    def config_will_load(self):
        self.app.config.core_middleware.append("{name}")
''',
    "app/middleware/{name}.py": '''"""The plugin's middleware: sets a header on every response."""


def middleware(options, app):
    header, value = options.get("header", "X-{title}"), options.get("value", "on")

    async def {name}(ctx, next):
        await next()
        ctx.set(header, value)

    return {name}
''',
    "app/extend/context.py": '''"""Members the plugin adds to every `ctx`."""


class {title}Context:
    @property
    def {name}_enabled(self) -> bool:
        return True
''',
    "tests/fixtures/apps/example/eggfast.toml": '[app]\nname = "example"\n',
    "tests/fixtures/apps/example/config/config.default.py": 'config = {{"keys": "example-test-key"}}\n',
    "tests/fixtures/apps/example/config/plugin.py": '''"""The test app enables the plugin from this checkout."""

plugin = {{"{name}": {{"enable": True, "path": "../../../.."}}}}
''',
    "tests/fixtures/apps/example/app/router.py": '''def setup(app):
    app.router.get("/", app.controller.home.index)
''',
    "tests/fixtures/apps/example/app/controller/home.py": '''async def index(ctx):
    ctx.body = {{"enabled": ctx.{name}_enabled}}
''',
    "tests/conftest.py": '''"""The eggfast pytest plugin reads `base_dir` here: the app the `app` fixture loads."""

base_dir = "fixtures/apps/example"
''',
    "tests/test_{name}.py": '''"""The plugin, tested through an app that enables it."""


async def test_middleware_sets_the_header(app):
    await app.http_request().get("/").expect(200, {{"enabled": True}}).expect("X-{title}", "on")


async def test_plugin_is_loaded(app):
    assert "{name}" in app.plugins
''',
    "README.md": '''# {name}

An eggfast plugin: a middleware (`X-{title}` header) and `ctx.{name}_enabled`.

    python -m pytest                                          # run the tests
    eggfast dev --base-dir tests/fixtures/apps/example        # serve the test app

Enable it in an app's `config/plugin.py`:
`plugin = {{"{name}": {{"enable": True, "package": "{name}"}}}}` (or `"path": ...`).
''',
}

# -- a framework -------------------------------------------------------------------------------------

_FRAMEWORK_FILES = {
    "{name}/__init__.py": '''"""{name}: a framework on top of eggfast.

Its Application / Agent point `egg_path` at this folder, which becomes one
more load unit (config/, app/service, app/middleware, app/extend, app.py).
An app picks it in eggfast.toml: `[app] framework = "{name}"`.
"""
from pathlib import Path

import eggfast


class Application(eggfast.Application):
    egg_path = Path(__file__).parent


class Agent(eggfast.Agent):
    egg_path = Path(__file__).parent
''',
    "{name}/config/config.default.py": 'config = {{"framework_name": "{name}"}}\n',
    "{name}/app/service/clock.py": '''"""A service every app of the framework gets: `ctx.service.clock`."""
import time

from eggfast import Service


class ClockService(Service):
    def now(self) -> float:
        return time.time()
''',
    "{name}/app/extend/context.py": '''class {title}Context:
    @property
    def framework(self) -> str:
        return self.app.config.framework_name
''',
    "tests/fixtures/apps/example/eggfast.toml": '[app]\nname = "example"\nframework = "../../../../{name}"\n',
    "tests/fixtures/apps/example/config/config.default.py": 'config = {{"keys": "example-test-key"}}\n',
    "tests/fixtures/apps/example/app/router.py": '''def setup(app):
    app.router.get("/", app.controller.home.index)
''',
    "tests/fixtures/apps/example/app/controller/home.py": '''async def index(ctx):
    ctx.body = {{"framework": ctx.framework, "has_clock": ctx.service.clock.now() > 0}}
''',
    "tests/conftest.py": '''"""The eggfast pytest plugin reads `base_dir` here: an app built on the framework."""

base_dir = "fixtures/apps/example"
''',
    "tests/test_framework.py": '''"""The framework, tested through an app that uses it."""
import {name}


async def test_app_gets_framework_units(app):
    await app.http_request().get("/").expect(200, {{"framework": "{name}", "has_clock": True}})


async def test_app_is_a_framework_application(app):
    assert isinstance(app.application, {name}.Application)
''',
    "README.md": '''# {name}

An eggfast framework: `{name}.Application` / `{name}.Agent` add a config
key, a service (`ctx.service.clock`) and `ctx.framework` to every app.

    python -m pytest                                          # run the tests
    eggfast dev --base-dir tests/fixtures/apps/example        # serve the example app

An app uses it with `[app] framework = "{name}"` in its eggfast.toml.
''',
}


def _identifier(folder: Path) -> str:
    name = re.sub(r"\W+", "_", folder.name).strip("_").lower() or "app"
    return f"app_{name}" if name[0].isdigit() else name


def scaffold(target: Path, kind: str = "simple", name: Optional[str] = None) -> list[Path]:
    """Write the project into ``target`` (missing or empty); returns the files written.

    Raises ``FileExistsError`` for a non-empty ``target`` and ``ValueError`` for an unknown ``kind``.
    """
    if kind not in TYPES:
        raise ValueError(f"unknown --type {kind!r} (choose {', '.join(TYPES)})")
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target} is not empty: choose a new or empty folder")
    name = name or _identifier(target.resolve())
    title = "".join(part.capitalize() for part in name.split("_"))
    import secrets

    fields = {"name": name, "title": title, "key": secrets.token_hex(8), "framework_line": "",
              "regex": 're.compile(r"^\\d+\\.\\d{3}ms$")'}
    files: dict[str, str] = {"pyproject.toml": _PYPROJECT, ".gitignore": _Raw(_GITIGNORE)}
    if kind == "simple":
        files.update(_APP_FILES)
        files["tests/conftest.py"] = '"""The eggfast pytest plugin reads `base_dir` here: this project."""\n\nbase_dir = ".."\n'
        files["tests/test_home.py"] = "import re\n\n" + _APP_TEST
        files["README.md"] = _README_APP
    elif kind == "plugin":
        files.update(_PLUGIN_FILES)
    else:
        files.update(_FRAMEWORK_FILES)
    written = []
    for rel, text in files.items():
        path = target / rel.format(**fields)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if isinstance(text, _Raw) else text.format(**fields), encoding="utf-8")
        written.append(path)
    return written


def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", help="the new project's folder (missing or empty)")
    parser.add_argument("--type", dest="kind", choices=TYPES, default="simple",
                        help="simple: an app (default); plugin: a plugin and a test app; "
                             "framework: a framework package and a test app")
    parser.add_argument("--name", default=None, help="the project name (default: from DIR)")


def run_init(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    try:
        written = scaffold(target, args.kind, args.name)
    except FileExistsError as exc:
        print(f"eggfast init: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"eggfast init: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"eggfast init: created a {args.kind} project in {target} ({len(written)} files)")
    print(f"    cd {target}")
    print("    python -m pytest            # its tests")
    if args.kind == "simple":
        print("    eggfast dev --port 7001     # serve it")
    else:
        print("    eggfast dev --base-dir tests/fixtures/apps/example --port 7001")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="eggfast init")
    add_init_arguments(parser)
    return run_init(parser.parse_args(argv))
