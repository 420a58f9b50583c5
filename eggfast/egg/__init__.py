"""The Egg layer's application class (see :mod:`eggfast.egg.application`)."""
from __future__ import annotations

from eggfast.egg.application import EGGFAST_ROOT, Application, EggCore, mask_config

__all__ = ["Application", "EggCore", "EGGFAST_ROOT", "mask_config"]
