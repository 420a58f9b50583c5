"""Stage 3: extend — class mixins from ``app/extend/<target>.py`` (+ ``<target>.<env>.py``).

An extend file defines one class (any name).  Its members — methods,
properties, class attributes, static/class methods — are copied onto the
per-app class of the target (``app.context_class``, ``app.request_class``,
``app.response_class``, ``app.helper_class``, the app's or agent's own
per-instance class), so two apps in one process never see each other's
extensions.  Members of the class's own bases (other than ``object``) are
copied too, base first.  Units apply in load order (plugins → frameworks →
app) so the app wins; ``<target>.<env>.py`` applies right after the unit's
``<target>.py``.  A property that defines only a getter keeps the setter of
the property it replaces (and vice versa), as Egg merges getter/setter
halves.
"""
from __future__ import annotations

import inspect
from pathlib import Path

from eggfast.errors import ConfigError
from eggfast.loader.file_loader import defined_classes, env_file_names, load_module

__all__ = ["ExtendLoaderMixin", "mix_into", "TARGETS"]

TARGETS = ("application", "agent", "context", "request", "response", "helper")
_SKIP = {"__module__", "__dict__", "__weakref__", "__doc__", "__qualname__", "__slots__",
         "__annotations__", "__firstlineno__", "__static_attributes__", "__orig_bases__", "__parameters__"}


def mix_into(target: type, source: type) -> list[str]:
    """Copy the members of ``source`` (and its bases) onto ``target``; returns their names."""
    names = []
    for klass in reversed(source.__mro__[:-1]):
        for name, value in vars(klass).items():
            if name in _SKIP:
                continue
            if isinstance(value, property):
                old = inspect.getattr_static(target, name, None)
                if isinstance(old, property):
                    value = property(value.fget or old.fget, value.fset or old.fset,
                                     value.fdel or old.fdel, value.__doc__ or old.__doc__)
            setattr(target, name, value)
            names.append(name)
    return names


class ExtendLoaderMixin:
    """``load_extend(name, target_class)`` for each of :data:`TARGETS`."""

    def load_extend(self, name: str, target: type) -> list[Path]:
        applied = []
        with self.timing.span(f"Load extend/{name}.py"):
            for unit in self.get_load_units():
                for file_name in env_file_names(f"{name}.py", name, self.env):
                    path = unit.path / "app" / "extend" / file_name
                    if not path.is_file():
                        continue
                    module = load_module(path)
                    classes = defined_classes(module)
                    if len(classes) != 1:
                        found = ", ".join(c.__name__ for c in classes) or "none"
                        raise ConfigError(f"{path}: an extend file must define exactly one class whose members "
                                          f"are mixed into {name} (found: {found})")
                    mix_into(target, classes[0])
                    applied.append(path)
        return applied
