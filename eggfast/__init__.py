"""eggfast: Egg.js for Python, on a compiled HTTP/1.1 core.

``EXTENSIONS`` is True when every hot path (compose, matcher, protocol,
writer) runs its compiled twin; ``implementation()`` maps each one to
"cython" or "python".  Public names are imported lazily (PEP 562), so
``import eggfast`` stays cheap and submodules can be imported on their own.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Mapping

from ._speedups import implementation as _implementation

__version__ = "0.1.0"

_LAZY = {
    "Application": "egg.application",
    "Agent": "agent",
    "Boot": "lifecycle",
    "BaseContextClass": "base_context_class",
    "Controller": "base_context_class",
    "Service": "base_context_class",
    "Subscription": "base_context_class",
    "Helper": "helper",
    "Messenger": "messenger",
    "start": "start",
    "Context": "context",
    "Request": "request",
    "Response": "response",
    "Server": "server",
    "Router": "router",
    "ComposeError": "errors",
    "ConfigError": "errors",
    "EggfastError": "errors",
    "HttpError": "errors",
    "InvalidHeaderError": "errors",
    "RouterError": "errors",
}

if TYPE_CHECKING:
    from .agent import Agent
    from .base_context_class import BaseContextClass, Controller, Service, Subscription
    from .egg.application import Application
    from .helper import Helper
    from .lifecycle import Boot
    from .messenger import Messenger
    from .start import start
    from .context import Context
    from .errors import ComposeError, ConfigError, EggfastError, HttpError, InvalidHeaderError, RouterError
    from .request import Request
    from .response import Response
    from .router import Router
    from .server import Server

    EXTENSIONS: bool


def implementation() -> Mapping[str, str]:
    """Map each hot path to the twin in use: ``{"compose": "cython", ...}``."""
    return _implementation()


def __getattr__(name: str) -> Any:
    if name == "EXTENSIONS":
        value: Any = all(twin == "cython" for twin in implementation().values())
    elif name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'eggfast' has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = ["EXTENSIONS", "implementation", "__version__", *_LAZY]
