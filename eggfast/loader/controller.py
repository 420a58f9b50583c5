"""Stage: controllers — the app's ``app/controller/**`` → ``app.controller``.

A controller file either defines one :class:`eggfast.Controller` subclass,
whose public ``async def action(self)`` methods become handlers (a new
instance per request, ``self.ctx`` bound), or defines plain module-level
``async def action(ctx)`` functions.  Either way
``app.controller.<file>.<action>`` is an ``async (ctx)`` handler that the
router accepts directly (``router.get("/", app.controller.home.index)``) or
by its dotted name (``"home.index"``).  Only the app's controllers load
(as in Egg); frameworks and plugins provide services and middleware.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from eggfast.egg.base_context_class import BaseContextClass, Controller
from eggfast.errors import ConfigError
from eggfast.loader.file_loader import FileLoader, Namespace, defined_classes, leaf_classes

__all__ = ["ControllerLoaderMixin", "controller_namespace"]

_BASE_NAMES = set(dir(Controller))


def _class_action(cls: type, name: str) -> Callable:
    method = getattr(cls, name)
    if inspect.iscoroutinefunction(method):
        async def action(ctx: Any) -> Any:
            return await method(cls(ctx))
    else:
        async def action(ctx: Any) -> Any:
            result = method(cls(ctx))
            if inspect.isawaitable(result):
                result = await result
            return result
    action.__name__ = name
    action.__qualname__ = f"{cls.__name__}.{name}"
    action.controller_class = cls  # type: ignore[attr-defined]
    return action


def controller_namespace(module: ModuleType, path: Path, dotted: str) -> Namespace:
    ns = Namespace(dotted)
    classes = leaf_classes(defined_classes(module, Controller) or defined_classes(module, BaseContextClass))
    if len(classes) > 1:
        raise ConfigError(f"{path}: a controller file defines one Controller subclass "
                          f"(found: {', '.join(c.__name__ for c in classes)})")
    if classes:
        cls = classes[0]
        cls.path_name = dotted
        cls.full_path = str(path)
        names = []
        for klass in cls.__mro__:
            if klass in (Controller, BaseContextClass, object):
                continue
            for name, value in vars(klass).items():
                if name.startswith("_") or name in names or name in _BASE_NAMES:
                    continue
                if inspect.isfunction(value):
                    names.append(name)
        if not names:
            raise ConfigError(f"{path}: {cls.__name__} has no public action methods (async def index(self))")
        for name in names:
            object.__setattr__(ns, name, _class_action(cls, name))
            ns._paths[name] = path
        object.__setattr__(ns, "_class", cls)
        return ns
    found = False
    for name, value in vars(module).items():
        if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
            continue
        if not inspect.iscoroutinefunction(value):
            continue
        params = [p for p in inspect.signature(value).parameters.values()
                  if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(params) != 1:
            raise ConfigError(f"{path}: controller action {name}{inspect.signature(value)} must take exactly (ctx)"
                              + ("; (ctx, next) is a middleware signature" if len(params) == 2 else ""))
        value.path_name = f"{dotted}.{name}"
        object.__setattr__(ns, name, value)
        ns._paths[name] = path
        found = True
    if not found:
        raise ConfigError(f"{path}: defines no Controller subclass and no 'async def action(ctx)' functions")
    return ns


class ControllerLoaderMixin:
    def load_controller(self) -> None:
        with self.timing.span("Load Controller"):
            tree = Namespace("controller")
            FileLoader([self.base_dir / "app" / "controller"], tree, root_name="controller",
                       resolve=lambda m, p, d: controller_namespace(m, p, d)).load()
            self.app.controller = tree
