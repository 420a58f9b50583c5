"""Egg's loader, one module per stage (see :mod:`eggfast.loader.egg_loader`)."""
from __future__ import annotations

from eggfast.loader.context_loader import ContextNamespace, ContextProperty
from eggfast.loader.egg_loader import AgentWorkerLoader, AppWorkerLoader, EggLoader, LoadUnit
from eggfast.loader.file_loader import FileLoader, Namespace, load_module
from eggfast.loader.plugin import PluginInfo

__all__ = [
    "AgentWorkerLoader", "AppWorkerLoader", "ContextNamespace", "ContextProperty", "EggLoader",
    "FileLoader", "LoadUnit", "Namespace", "PluginInfo", "load_module",
]
