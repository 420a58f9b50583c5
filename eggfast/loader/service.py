"""Stage: services — ``app/service/**`` of every unit → lazy ``ctx.service``.

A service file defines one class (a :class:`eggfast.Service` subclass, or
failing that a single plain class), constructed with ``ctx`` on first access
of ``ctx.service.<name>`` and cached for the rest of the request.  Two units
defining one name is an error naming both files.
"""
from __future__ import annotations

from pathlib import Path
from types import ModuleType

from eggfast.egg.base_context_class import BaseContextClass
from eggfast.errors import ConfigError
from eggfast.loader.context_loader import ContextProperty
from eggfast.loader.file_loader import FileLoader, Namespace, defined_classes, leaf_classes

__all__ = ["ServiceLoaderMixin", "context_class_of"]


def context_class_of(module: ModuleType, path: Path, dotted: str, what: str) -> type:
    """The one class a service-like file defines (a BaseContextClass subclass preferred)."""
    classes = leaf_classes(defined_classes(module, BaseContextClass) or defined_classes(module))
    if len(classes) != 1:
        found = ", ".join(c.__name__ for c in classes) or "none"
        raise ConfigError(f"{path}: a {what} file must define exactly one class (found: {found}), "
                          f"e.g. class UserService(Service)")
    cls = classes[0]
    cls.path_name = dotted
    cls.full_path = str(path)
    return cls


class ServiceLoaderMixin:
    def load_service(self) -> None:
        with self.timing.span("Load Service"):
            tree = Namespace("service")
            dirs = [unit.path / "app" / "service" for unit in self.get_load_units()]
            FileLoader(dirs, tree, root_name="service",
                       resolve=lambda m, p, d: context_class_of(m, p, d, "service")).load()
            self.app.service_classes = tree
            self.app.context_class.service = ContextProperty("service", tree)
