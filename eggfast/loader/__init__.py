"""Egg's loader, one module per stage (see :mod:`eggfast.loader.egg_loader`)."""
from __future__ import annotations

from .context_loader import ContextNamespace, ContextProperty
from .egg_loader import AgentWorkerLoader, AppWorkerLoader, EggLoader, LoadUnit
from .file_loader import FileLoader, Namespace, load_module
from .plugin import PluginInfo

__all__ = [
    "AgentWorkerLoader", "AppWorkerLoader", "ContextNamespace", "ContextProperty", "EggLoader",
    "FileLoader", "LoadUnit", "Namespace", "PluginInfo", "load_module",
]
