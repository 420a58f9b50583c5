"""eggfast: Egg.js for Python, on a compiled HTTP/1.1 core.

``EXTENSIONS`` is True when every hot path (compose, matcher, protocol,
writer, context; see :mod:`eggfast.twins`) runs its compiled twin;
``implementation()`` maps each one to "cython" or "python".  Public names are imported lazily (PEP 562), so
``import eggfast`` stays cheap and submodules can be imported on their own.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Mapping

from eggfast.twins import implementation as _implementation

__version__ = "0.1.0"

_LAZY = {
    "Application": "eggfast.egg.application",
    "Agent": "eggfast.egg.agent",
    "Boot": "eggfast.egg.lifecycle",
    "BaseContextClass": "eggfast.egg.base_context_class",
    "Controller": "eggfast.egg.base_context_class",
    "Service": "eggfast.egg.base_context_class",
    "Subscription": "eggfast.egg.base_context_class",
    "Helper": "eggfast.egg.helper",
    "Messenger": "eggfast.egg.messenger",
    "start": "eggfast.egg.single_process",
    "Context": "eggfast.koa.context",
    "Request": "eggfast.koa.request",
    "Response": "eggfast.koa.response",
    "Server": "eggfast.server",
    "Router": "eggfast.router",
    "ComposeError": "eggfast.errors",
    "ConfigError": "eggfast.errors",
    "EggfastError": "eggfast.errors",
    "HttpError": "eggfast.errors",
    "InvalidHeaderError": "eggfast.errors",
    "RouterError": "eggfast.errors",
}

if TYPE_CHECKING:
    from eggfast.egg.agent import Agent
    from eggfast.egg.base_context_class import BaseContextClass, Controller, Service, Subscription
    from eggfast.egg.application import Application
    from eggfast.egg.helper import Helper
    from eggfast.egg.lifecycle import Boot
    from eggfast.egg.messenger import Messenger
    from eggfast.egg.single_process import start
    from eggfast.koa.context import Context
    from eggfast.errors import ComposeError, ConfigError, EggfastError, HttpError, InvalidHeaderError, RouterError
    from eggfast.koa.request import Request
    from eggfast.koa.response import Response
    from eggfast.router import Router
    from eggfast.server import Server

    EXTENSIONS: bool


def implementation() -> Mapping[str, str]:
    """Map each hot path to the twin in use: ``{"compose": "cython", ...}``."""
    return _implementation()


def __getattr__(name: str) -> Any:
    if name == "EXTENSIONS":
        value: Any = all(twin == "cython" for twin in implementation().values())
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'eggfast' has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = ["EXTENSIONS", "implementation", "__version__", *_LAZY]
