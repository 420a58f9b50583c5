"""Which twin each hot path runs: the one switch, read once.

``EGGFAST_NO_EXTENSIONS`` forces the pure twins; ``EGGFAST_REQUIRE_EXTENSIONS``
turns a missing compiled twin into an ImportError.  Both accept 1/true/yes/on
(any case) as "on"; everything else, "0" and "" included, is "off".  setup.py
applies the same rule at build time.
"""
from __future__ import annotations

import os
import platform
from types import MappingProxyType
from typing import Any, Callable, Mapping

TRUTHY = frozenset({"1", "true", "yes", "on"})
HOT_PATHS = ("compose", "matcher", "protocol", "writer", "core")


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when ``name`` is set to 1/true/yes/on (any case, spaces ignored)."""
    value = (os.environ if environ is None else environ).get(name, "")
    return value.strip().lower() in TRUTHY


NO_EXTENSIONS: bool = env_flag("EGGFAST_NO_EXTENSIONS") or platform.python_implementation() != "CPython"
REQUIRE_EXTENSIONS: bool = env_flag("EGGFAST_REQUIRE_EXTENSIONS") and not env_flag("EGGFAST_NO_EXTENSIONS")

#: hot path name -> "cython" | "python"; filled in by the selectors as they import.
ACTIVE: dict[str, str] = {}


def select(hot_path: str, pure: Any, load_compiled: Callable[[], Any]) -> tuple[Any, Any]:
    """Pick the twin for ``hot_path``; return ``(selected, compiled_or_None)``.

    ``load_compiled`` imports the compiled twin.  It is always tried, so that
    tests can reach both twins by name; the switch only decides which one the
    framework uses.
    """
    compiled = None
    try:
        compiled = load_compiled()
    except ImportError:
        if REQUIRE_EXTENSIONS:
            raise ImportError(
                f"eggfast: compiled twin for {hot_path!r} is missing and "
                "EGGFAST_REQUIRE_EXTENSIONS is on; run `make build` "
                "(python setup.py build_ext --inplace)"
            ) from None
    use_compiled = compiled is not None and not NO_EXTENSIONS
    ACTIVE[hot_path] = "cython" if use_compiled else "python"
    return (compiled if use_compiled else pure), compiled


def implementation() -> Mapping[str, str]:
    """Read-only map of hot path -> "cython" | "python" for the loaded twins."""
    import importlib

    for hot_path in HOT_PATHS:  # importing a selector records its choice in ACTIVE
        importlib.import_module(f"eggfast._{hot_path}")
    return MappingProxyType({hot_path: ACTIVE[hot_path] for hot_path in HOT_PATHS})
