"""Load convention files by path and map a directory to an attribute tree.

Naming rule (SPEC §2): a file or folder under a convention directory maps to
an attribute unchanged, after ``-`` → ``_``.  The result must match
``^[a-z][a-z0-9_]*$`` (lower case, so names never depend on a file
system's case folding) and must not be a Python keyword; anything else is a
start-up error naming the file.  Files and folders whose name starts with
``_`` or ``.`` (``__init__.py``, ``_shared.py``, ``__pycache__``) are private
helpers and are skipped.  Only ``*.py`` files are loaded.
"""
from __future__ import annotations

import importlib.util
import inspect
import itertools
import keyword
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator, Optional

from eggfast.errors import ConfigError

__all__ = [
    "Namespace", "FileLoader", "load_module", "attr_name", "defined_classes",
    "require_export", "leaf_classes", "one_line", "NAME_RE", "env_file_names",
]

NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_counter = itertools.count()
_MODULE_PREFIX = "eggfast_units"


def one_line(text: Any) -> str:
    """Collapse an error text to one line."""
    return " ".join(str(text).split())


def env_file_names(default: str, stem: str, env: str) -> list[str]:
    """The file names of one convention file in load order: the default one, then ``<stem>.<env>.py``.

    ``env_file_names("config.default.py", "config", env)`` for config,
    ``env_file_names("plugin.py", "plugin", env)`` for plugins.  As Egg's
    ``getTypeFiles``, env ``default`` loads only the default file, so a file is never
    loaded twice (``config.default.py`` is also ``config.<env>.py`` for env ``default``).
    """
    names = [default]
    env_name = f"{stem}.{env}.py"
    if env and env != "default" and env_name != default:
        names.append(env_name)
    return names


def load_module(path: Path) -> ModuleType:
    """Execute the Python file at ``path`` as a fresh module.

    The module is registered in ``sys.modules`` under a unique synthetic name
    (dataclasses and pickling look modules up there).  Syntax and import
    errors become a one-line :class:`ConfigError` naming the file.
    """
    path = Path(path)
    dotted = _package_name(path)
    if dotted is not None:
        # A file inside an importable package (a framework or plugin shipped as
        # a package): import it normally so its relative imports work.
        try:
            module = importlib.import_module(dotted)
        except SyntaxError as exc:
            raise ConfigError(f"{path}:{exc.lineno}: syntax error: {one_line(exc.msg)}") from exc
        except ConfigError:
            raise
        except Exception as exc:
            raise ConfigError(f"{path}: failed to load: {type(exc).__name__}: {one_line(exc)}") from exc
        if getattr(module, "__file__", None) and Path(module.__file__).resolve() == path.resolve():
            return module
    stem = re.sub(r"\W", "_", path.stem)
    name = f"{_MODULE_PREFIX}.m{next(_counter)}_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - not a .py file
        raise ConfigError(f"{path}: cannot be loaded as a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise ConfigError(f"{path}:{exc.lineno}: syntax error: {one_line(exc.msg)}") from exc
    except ConfigError:
        sys.modules.pop(name, None)
        raise
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ConfigError(f"{path}: failed to load: {type(exc).__name__}: {one_line(exc)}") from exc
    return module


def _package_name(path: Path) -> Optional[str]:
    """``pkg.sub.mod`` when ``path`` sits in a package chain whose root is on ``sys.path``."""
    if not path.stem.isidentifier() or not (path.parent / "__init__.py").is_file():
        return None
    parts = [path.stem]
    directory = path.parent.resolve()
    while (directory / "__init__.py").is_file():
        if not directory.name.isidentifier():
            return None
        parts.append(directory.name)
        directory = directory.parent
    top = parts[-1]
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    locations = [Path(p).resolve() for p in (spec.submodule_search_locations or [])] if spec else []
    if (directory / top).resolve() not in locations:
        return None
    return ".".join(reversed(parts))


def attr_name(segment: str, path: Path) -> str:
    """The attribute a file/folder name maps to (``-`` → ``_``), or a ConfigError."""
    name = segment.replace("-", "_")
    if not NAME_RE.match(name) or keyword.iskeyword(name):
        raise ConfigError(
            f"{path}: bad name {segment!r}: convention file and folder names must match "
            f"^[a-z][a-z0-9_]*$ ('-' becomes '_') and not be a Python keyword; rename it"
        )
    return name


def defined_classes(module: ModuleType, base: Optional[type] = None) -> list[type]:
    """Classes defined in ``module`` itself (not imported), optionally subclasses of ``base``."""
    out = []
    for value in vars(module).values():
        if inspect.isclass(value) and value.__module__ == module.__name__:
            if base is None or (issubclass(value, base) and value is not base):
                out.append(value)
    return out


def leaf_classes(classes: list[type]) -> list[type]:
    """Drop private (``_Name``) classes and classes that another one in the list derives from."""
    public = [c for c in classes if not c.__name__.startswith("_")]
    return [c for c in public if not any(o is not c and issubclass(o, c) for o in public)]


def require_export(module: ModuleType, name: str, path: Path, what: str) -> Any:
    try:
        return getattr(module, name)
    except AttributeError:
        raise ConfigError(f"{path}: missing export {name!r}: {what}") from None


class Namespace:
    """An attribute tree: ``app.controller.admin.user``.

    Also readable as a mapping (``ns["admin"]``, ``"admin" in ns``,
    iteration over names) so dotted-string lookups work either way.
    """

    def __init__(self, dotted: str = "") -> None:
        object.__setattr__(self, "_dotted", dotted)
        object.__setattr__(self, "_paths", {})

    def __getitem__(self, name: str) -> Any:
        if name.startswith("_") or name not in self.__dict__:
            raise KeyError(name)
        return self.__dict__[name]

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and not name.startswith("_") and name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return (k for k in self.__dict__ if not k.startswith("_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def keys(self) -> list[str]:
        return list(self)

    def items(self) -> list[tuple[str, Any]]:
        return [(k, self.__dict__[k]) for k in self]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        where = f"{self._dotted}." if self._dotted else ""
        raise AttributeError(f"{where}{name} is not defined (no such file was loaded)")

    def __repr__(self) -> str:
        return f"<Namespace {self._dotted or '.'}: {', '.join(self)}>"


class FileLoader:
    """Walk ``directories`` (in order) and set one attribute per ``*.py`` file on ``target``.

    ``resolve(module, path, dotted)`` turns a loaded module into the value to
    store (default: the module).  Sub-folders become nested
    :class:`Namespace` objects.  A name defined twice (two files, two units,
    or a file and a folder) is an error naming both files, unless
    ``override`` is true (a later unit then wins).
    """

    def __init__(
        self,
        directories: list[Path],
        target: Namespace,
        *,
        resolve: Optional[Callable[[ModuleType, Path, str], Any]] = None,
        override: bool = False,
        root_name: str = "",
    ) -> None:
        self.directories = [Path(d) for d in directories]
        self.target = target
        self.resolve = resolve or (lambda module, path, dotted: module)
        self.override = override
        self.root_name = root_name

    def files(self) -> Iterator[tuple[Path, list[str]]]:
        """``(path, attribute names)`` for every loadable file, in a stable order."""
        for directory in self.directories:
            if not directory.is_dir():
                continue
            yield from self._walk(directory, [])

    def _walk(self, directory: Path, prefix: list[str]) -> Iterator[tuple[Path, list[str]]]:
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir():
                yield from self._walk(entry, prefix + [attr_name(entry.name, entry)])
            elif entry.suffix == ".py":
                yield entry, prefix + [attr_name(entry.stem, entry)]

    def load(self) -> list[tuple[str, Path, Any]]:
        """Load every file; returns ``(dotted, path, value)`` in load order."""
        loaded = []
        for path, names in self.files():
            dotted = ".".join(filter(None, [self.root_name, *names]))
            value = self.resolve(load_module(path), path, dotted)
            if value is None:
                continue
            self._place(names, value, path, dotted)
            loaded.append((dotted, path, value))
        return loaded

    def _place(self, names: list[str], value: Any, path: Path, dotted: str) -> None:
        node = self.target
        for i, name in enumerate(names[:-1]):
            child = node.__dict__.get(name)
            if child is None:
                child = Namespace(".".join(filter(None, [self.root_name, *names[: i + 1]])))
                object.__setattr__(node, name, child)
                node._paths[name] = path.parent
            elif not isinstance(child, Namespace):
                raise ConfigError(f"{path}: {dotted} clashes with {node._paths.get(name)}, which defines "
                                  f"{'.'.join(names[: i + 1])}; rename one of them")
            node = child
        last = names[-1]
        if last in node.__dict__:
            other = node._paths.get(last)
            if not self.override or isinstance(node.__dict__[last], Namespace):
                raise ConfigError(f"{path}: {dotted} is already defined by {other}; rename one of them")
        object.__setattr__(node, last, value)
        node._paths[last] = path
