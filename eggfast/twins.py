"""The twin registry: every hot path, its pure and compiled modules, and the switch.

Each hot path exists twice: a pure-Python module ``<package>._<stem>_py`` and a
compiled one ``<package>._<stem>_c``.  A compiled twin is built either from a
hand-written ``_<stem>_c.pyx`` next to the pure module, or from the pure
module's own source typed by an augmenting ``_<stem>_c.pxd`` (aiohttp's
``reader_c`` way), so the two cannot drift.  :data:`TWINS` is the one table of
them: ``setup.py`` builds from it, the selectors import from it,
``python -m eggfast info`` prints it, and the parity, stale-build and
declared-attribute tests walk it.  Adding a twin is one row.

The switch: ``EGGFAST_NO_EXTENSIONS`` forces the pure twins;
``EGGFAST_REQUIRE_EXTENSIONS`` turns a missing compiled twin into an
ImportError.  Both accept 1/true/yes/on (any case) as "on"; everything else,
"0" and "" included, is "off".  ``setup.py`` applies the same rule at build
time.  This module imports nothing from eggfast, so ``setup.py`` can read it
before the package is built.
"""
from __future__ import annotations

import importlib
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType, ModuleType, SimpleNamespace
from typing import Literal, Mapping, Optional


@dataclass(frozen=True)
class TwinPair:
    """One hot path: the modules it consists of and how its compiled twin is built.

    ``stems`` are chosen together (the compiled ``context`` twins type each
    other's C fields, so Context, Request, Response and respond switch as one).
    ``source`` is ``"pyx"`` for a hand-written ``_<stem>_c.pyx`` or ``"py"``
    for the pure module compiled as is, typed by ``_<stem>_c.pxd``.
    """

    hot_path: str
    package: str
    stems: tuple[str, ...]
    source: Literal["pyx", "py"]

    def pure_module(self, stem: str) -> str:
        return f"{self.package}._{stem}_py"

    def compiled_module(self, stem: str) -> str:
        return f"{self.package}._{stem}_c"

    def folder(self, root: Path) -> Path:
        """The package folder under ``root`` (the checkout or site-packages)."""
        return root.joinpath(*self.package.split("."))

    def compiled_sources(self, root: Path, stem: str) -> list[Path]:
        """The files the compiled twin of ``stem`` is built from, main source first."""
        folder = self.folder(root)
        pxd = folder / f"_{stem}_c.pxd"
        if self.source == "pyx":
            return [folder / f"_{stem}_c.pyx"] + ([pxd] if pxd.exists() else [])
        return [folder / f"_{stem}_py.py", pxd]


#: Every twin pair.  ``python -m eggfast info`` lists them in this order.
TWINS: tuple[TwinPair, ...] = (
    TwinPair("compose", "eggfast.koa", ("compose",), "pyx"),
    TwinPair("matcher", "eggfast.router", ("matcher",), "pyx"),
    TwinPair("protocol", "eggfast.server", ("protocol",), "py"),
    TwinPair("writer", "eggfast.server", ("writer",), "pyx"),
    TwinPair("context", "eggfast.koa", ("context", "request", "response", "respond"), "py"),
)
BY_HOT_PATH: Mapping[str, TwinPair] = MappingProxyType({t.hot_path: t for t in TWINS})
HOT_PATHS: tuple[str, ...] = tuple(BY_HOT_PATH)

TRUTHY = frozenset({"1", "true", "yes", "on"})


def env_flag(name: str, environ: Optional[Mapping[str, str]] = None) -> bool:
    """True when ``name`` is set to 1/true/yes/on (any case, spaces ignored)."""
    value = (os.environ if environ is None else environ).get(name, "")
    return value.strip().lower() in TRUTHY


NO_EXTENSIONS: bool = env_flag("EGGFAST_NO_EXTENSIONS") or platform.python_implementation() != "CPython"
REQUIRE_EXTENSIONS: bool = env_flag("EGGFAST_REQUIRE_EXTENSIONS") and not env_flag("EGGFAST_NO_EXTENSIONS")

#: hot path name -> "cython" | "python", filled in as hot paths are selected.
ACTIVE: dict[str, str] = {}


@dataclass(frozen=True)
class Selected:
    """Both twins of one hot path, each a namespace of its modules by stem.

    ``active`` is the one the framework uses; ``compiled`` is None when the
    compiled twin is not built.  Tests reach either twin by name through it.
    """

    pair: TwinPair
    active: SimpleNamespace
    pure: SimpleNamespace
    compiled: Optional[SimpleNamespace]


_SELECTED: dict[str, Selected] = {}


def select(hot_path: str) -> Selected:
    """Import both twins of ``hot_path`` (once) and pick the one to use.

    The compiled twin is always tried, so that tests can compare the two; the
    switch only decides which one the framework uses.
    """
    selected = _SELECTED.get(hot_path)
    if selected is not None:
        return selected
    pair = BY_HOT_PATH[hot_path]
    pure = SimpleNamespace(**{s: importlib.import_module(pair.pure_module(s)) for s in pair.stems})
    compiled: Optional[SimpleNamespace]
    try:
        compiled = SimpleNamespace(**{s: importlib.import_module(pair.compiled_module(s)) for s in pair.stems})
    except ImportError as exc:
        if REQUIRE_EXTENSIONS:
            raise ImportError(
                f"eggfast: compiled twin for {hot_path!r} is missing ({exc}) and "
                "EGGFAST_REQUIRE_EXTENSIONS is on; run `make build` "
                "(python setup.py build_ext --inplace)"
            ) from None
        compiled = None
    use_compiled = compiled is not None and not NO_EXTENSIONS
    ACTIVE[hot_path] = "cython" if use_compiled else "python"
    selected = _SELECTED[hot_path] = Selected(pair, compiled if use_compiled else pure, pure, compiled)
    return selected


def reexport(namespace: dict, module: ModuleType) -> None:
    """Copy ``module``'s public names (not its dunders) into a public module's namespace."""
    for name, value in vars(module).items():
        if not (name.startswith("__") and name.endswith("__")):
            namespace[name] = value
    namespace["__all__"] = list(getattr(module, "__all__", ()))


def implementation() -> Mapping[str, str]:
    """Read-only map of hot path -> "cython" | "python" for the twins in use."""
    return MappingProxyType({hot_path: _active_name(hot_path) for hot_path in HOT_PATHS})


def _active_name(hot_path: str) -> str:
    select(hot_path)
    return ACTIVE[hot_path]


__all__ = [
    "TwinPair", "TWINS", "BY_HOT_PATH", "HOT_PATHS", "Selected", "select", "reexport",
    "implementation", "env_flag", "NO_EXTENSIONS", "REQUIRE_EXTENSIONS", "ACTIVE",
]
