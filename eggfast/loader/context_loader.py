"""Lazy per-request objects: ``ctx.service.user`` (and custom ``inject="ctx"`` loaders).

``ContextProperty`` is installed on the app's Context subclass.  On first
access it creates a :class:`ContextNamespace` for that context and stores it
in the instance ``__dict__``, so later reads are plain attribute hits.  A
namespace instantiates a class with ``ctx`` on first access of its name and
caches the instance on itself: one instance per request per name, none
created for names a request never touches.  Sub-folders are nested lazy
namespaces; a non-class value is returned as-is.
"""
from __future__ import annotations

import inspect
from typing import Any

from eggfast.loader.file_loader import Namespace

__all__ = ["ContextNamespace", "ContextProperty"]


class ContextNamespace:
    """``ctx.service``: a lazy view of a class tree, bound to one context."""

    def __init__(self, ctx: Any, tree: Namespace, dotted: str) -> None:
        d = self.__dict__
        d["_ctx"] = ctx
        d["_tree"] = tree
        d["_dotted"] = dotted

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        tree = self.__dict__["_tree"]
        if name not in tree:
            raise AttributeError(f"{self._dotted}.{name} is not defined (no such file was loaded)")
        value = tree[name]
        if isinstance(value, Namespace):
            value = ContextNamespace(self._ctx, value, f"{self._dotted}.{name}")
        elif inspect.isclass(value):
            value = value(self._ctx)
        self.__dict__[name] = value
        return value

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self.__dict__["_tree"]

    def __iter__(self) -> Any:
        return iter(self.__dict__["_tree"])

    def __repr__(self) -> str:
        return f"<ContextNamespace {self._dotted}: {', '.join(self.__dict__['_tree'])}>"


class ContextProperty:
    """A non-data descriptor: builds the namespace once per context, then gets out of the way."""

    def __init__(self, name: str, tree: Namespace) -> None:
        self.name = name
        self.tree = tree

    def __set_name__(self, owner: type, name: str) -> None:  # pragma: no cover - set via setattr
        self.name = name

    def __get__(self, ctx: Any, owner: Any = None) -> Any:
        if ctx is None:
            return self
        ns = ContextNamespace(ctx, self.tree, self.name)
        ctx.__dict__[self.name] = ns
        return ns
