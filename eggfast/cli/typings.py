"""``eggfast typings [--base-dir DIR]``: write ``typings/eggfast_app_typings/__init__.pyi`` for mypy/pyright.

What egg-ts-helper does for Egg: the app is loaded (env ``local`` unless
``--env``) and its shape is written as a stub module:

* ``AppServices``: ``ctx.service.user`` is the app's ``UserService`` class
  (imported from ``app/service/user.py``; a service of a plugin or framework
  outside the app gets a generated class with its method names);
* ``AppControllers``: ``app.controller.home.index`` exists (each action);
* ``AppConfig``: every config key with the type of its value (dicts become
  nested classes; ``config["x"]`` and ``.get()`` stay open);
* ``AppContext`` / ``AppApplication``: eggfast's Context / Application plus
  the extend members (``ctx.shout`` …), ``service``, ``controller``, ``config``.

``eggfast.Controller`` / ``eggfast.Service`` annotate ``self.ctx``,
``self.app``, ``self.config`` and ``self.service`` with these names (under
``TYPE_CHECKING``), so once ``typings`` is on the type checker's path
(mypy: ``mypy_path = "typings"``; pyright: ``stubPath = "typings"``, its
default) a misspelt ``self.service.usr`` is an error.  Without the stubs those
names are ``Any``, as before.  ``eggfast dev`` writes them again when app files
change.
"""
from __future__ import annotations

import argparse
import inspect
import keyword
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

__all__ = ["add_typings_arguments", "run_typings", "generate", "render", "PACKAGE"]

PACKAGE = "eggfast_app_typings"


def _ident(name: str) -> bool:
    return isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)


def _camel(dotted: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in dotted.replace("-", "_").split(".") if part)


class _Writer:
    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self.imports: dict[str, str] = {}  # alias -> "from module import name as alias"
        self.classes: list[str] = []

    def module_of(self, path: str) -> Optional[str]:
        """``app.service.user`` for ``<base>/app/service/user.py``; None outside the app."""
        try:
            rel = Path(path).resolve().relative_to(self.base_dir)
        except (ValueError, OSError):
            return None
        parts = list(rel.with_suffix("").parts)
        if parts and all(_ident(p) for p in parts):
            return ".".join(parts)
        return None

    def class_ref(self, cls: type, prefix: str) -> str:
        """A name for ``cls`` in the stub: imported from the app, else a generated copy of its members."""
        module = self.module_of(getattr(cls, "full_path", "") or inspect.getfile(cls))
        if module is not None:
            alias = f"_{prefix}_{cls.__name__}"
            self.imports[alias] = f"from {module} import {cls.__name__} as {alias}"
            return alias
        name = f"_{prefix}_{cls.__name__}"
        lines = [f"class {name}(eggfast.{'Service' if prefix.startswith('S') else 'BaseContextClass'}):"]
        body = self.members(cls, skip=set(dir(_base_of(cls))))
        self.classes.append("\n".join(lines + (body or ["    ..."])))
        return name

    def members(self, cls: type, skip: set[str]) -> list[str]:
        out = []
        for name, value in sorted(vars(cls).items()):
            if name.startswith("_") or name in skip or not _ident(name):
                continue
            out.append(_member(name, value))
        return out


def _base_of(cls: type) -> type:
    from eggfast.egg.base_context_class import BaseContextClass

    return BaseContextClass


def _member(name: str, value: Any) -> str:
    if isinstance(value, property):
        return f"    @property\n    def {name}(self) -> Any: ..."
    if isinstance(value, (staticmethod, classmethod)):
        return f"    {name}: Any"
    if inspect.iscoroutinefunction(value):
        return f"    async def {name}(self, *args: Any, **kwargs: Any) -> Any: ..."
    if inspect.isfunction(value):
        return f"    def {name}(self, *args: Any, **kwargs: Any) -> Any: ..."
    return f"    {name}: Any"


def _tree_class(w: _Writer, tree: Any, name: str, leaf: Any) -> str:
    """A class for a Namespace tree (services / controllers); returns its name."""
    lines = [f"class {name}:"]
    for key in tree:
        if not _ident(key):
            continue
        value = tree[key]
        if hasattr(value, "__iter__") and hasattr(value, "__contains__") and not isinstance(value, type):
            sub = _tree_class(w, value, f"{name}_{_camel(key)}", leaf)
            lines.append(f"    {key}: {sub}")
        else:
            lines.append(f"    {key}: {leaf(key, value)}")
    if len(lines) == 1:
        lines.append("    ...")
    w.classes.append("\n".join(lines))
    return name


def _value_type(w: _Writer, value: Any, name: str) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, bytes):
        return "bytes"
    if value is None:
        return "Any"
    if isinstance(value, (list, tuple)):
        return "list[Any]" if isinstance(value, list) else "tuple[Any, ...]"
    if isinstance(value, dict):
        return _config_class(w, value, name)
    return "Any"


def _config_class(w: _Writer, mapping: Any, name: str) -> str:
    lines = [f"class {name}:"]
    for key in list(mapping):
        if _ident(key):
            lines.append(f"    {key}: {_value_type(w, mapping[key], f'{name}_{_camel(key)}')}")
    lines.append("    def __getitem__(self, key: str) -> Any: ...")
    lines.append("    def get(self, key: str, default: Any = None) -> Any: ...")
    lines.append("    def __contains__(self, key: object) -> bool: ...")
    w.classes.append("\n".join(lines))
    return name


def render(app: Any) -> str:
    """The stub module's text for a loaded (not necessarily ready) Egg application."""
    from eggfast.twins import select

    w = _Writer(Path(app.base_dir).resolve())

    def service_leaf(key: str, value: Any) -> str:
        return w.class_ref(value, f"S{_camel(getattr(value, 'path_name', key))}") if isinstance(value, type) else "Any"

    def controller_leaf(key: str, value: Any) -> str:
        return "Callable[..., Awaitable[Any]]" if callable(value) else "Any"

    services = _tree_class(w, app.service_classes, "AppServices", service_leaf)
    controllers = _tree_class(w, app.controller, "AppControllers", controller_leaf)
    _config_class(w, app.config, "AppConfig")

    base_ctx = select("context").pure.context.Context
    typed = {"service": services, "app": "AppApplication"}
    ctx_lines = ["class AppContext(eggfast.Context):"]
    for name, value in sorted(vars(app.context_class).items()):
        if name.startswith("_") or not _ident(name) or name in typed or hasattr(base_ctx, name):
            continue
        ctx_lines.append(_member(name, value))
    ctx_lines += [f"    {k}: {v}  # type: ignore[assignment, unused-ignore]" for k, v in typed.items()]
    w.classes.append("\n".join(ctx_lines))

    from eggfast.egg.application import Application

    app_typed = {"controller": controllers, "config": "AppConfig", "service_classes": "Any",
                 "context_class": "type[AppContext]"}
    app_lines = ["class AppApplication(eggfast.Application):"]
    for name, value in sorted(vars(type(app)).items()):
        if name.startswith("_") or not _ident(name) or name in app_typed or hasattr(Application, name):
            continue
        app_lines.append(_member(name, value))
    app_lines += [f"    {k}: {v}  # type: ignore[assignment, unused-ignore]" for k, v in app_typed.items()]
    w.classes.append("\n".join(app_lines))

    head = [
        f'"""Generated by `eggfast typings` for {w.base_dir.name}: do not edit (run it again)."""',
        "from typing import Any, Awaitable, Callable",
        "",
        "import eggfast",
        *sorted(w.imports.values()),
        "",
        '__all__ = ["AppServices", "AppControllers", "AppConfig", "AppContext", "AppApplication"]',
    ]
    return "\n".join(head) + "\n\n\n" + "\n\n\n".join(w.classes) + "\n"


def generate(base_dir: Any = ".", env: str = "local", out: Optional[Path] = None) -> Path:
    """Load the app at ``base_dir`` and write ``<out or base_dir/typings>/eggfast_app_typings/__init__.pyi``."""
    from eggfast.egg.single_process import resolve_framework
    from eggfast.logger import close_loggers

    import tempfile

    base = Path(base_dir).resolve()
    app_cls, _ = resolve_framework(base)
    with tempfile.TemporaryDirectory(prefix="eggfast-typings-") as scratch:  # its logs go nowhere
        app = app_cls(base_dir=base, env=env,
                      config={"logger": {"console": False, "dir": scratch}, "rundir": scratch})
        try:
            text = render(app)
        finally:
            close_loggers(app)
    folder = (out or base / "typings") / PACKAGE
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "__init__.pyi"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    (folder / "py.typed").write_text("", encoding="utf-8")
    return target


def add_typings_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-dir", default=".", help="the app folder (default: the current directory)")
    parser.add_argument("--env", default="local", help="env whose config is described (default local)")
    parser.add_argument("--out", default=None, help="folder to write into (default: <base-dir>/typings)")


def run_typings(args: argparse.Namespace) -> int:
    from eggfast.errors import ConfigError

    try:
        target = generate(args.base_dir, args.env, Path(args.out) if args.out else None)
    except ConfigError as exc:
        print(f"eggfast typings: {exc}", file=sys.stderr)
        return 1
    print(f"eggfast typings: wrote {target}")
    print('    mypy: mypy_path = "typings" (pyright reads typings/ by default)')
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:  # pragma: no cover - convenience
    parser = argparse.ArgumentParser(prog="eggfast typings")
    add_typings_arguments(parser)
    return run_typings(parser.parse_args(argv))
