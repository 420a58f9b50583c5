"""Selector for the per-request core: Context, Request, Response and respond().

The four are one hot path with one switch: the compiled twins type each
other's fields (eggfast/_respond_c.pxd reads Response's C slots), so they are
chosen together.  ``core`` and ``core_py`` / ``core_c`` are namespaces with
the modules ``context``, ``request``, ``response`` and ``respond``; the public
modules eggfast.context, eggfast.request, eggfast.response and eggfast.respond
re-export the chosen twin.
"""
from __future__ import annotations

from types import ModuleType, SimpleNamespace
from typing import Any

from . import _speedups
from . import _context_py, _request_py, _respond_py, _response_py

core_py = SimpleNamespace(context=_context_py, request=_request_py, response=_response_py, respond=_respond_py)


def _load() -> SimpleNamespace:
    from . import _context_c, _request_c, _respond_c, _response_c

    return SimpleNamespace(context=_context_c, request=_request_c, response=_response_c, respond=_respond_c)


core, core_c = _speedups.select("core", core_py, _load)


def reexport(namespace: dict[str, Any], module: ModuleType) -> None:
    """Copy ``module``'s names (not its dunders) into a public module's namespace."""
    for name, value in vars(module).items():
        if not (name.startswith("__") and name.endswith("__")):
            namespace[name] = value
    namespace["__all__"] = list(getattr(module, "__all__", ()))


__all__ = ["core", "core_py", "core_c", "reexport"]
