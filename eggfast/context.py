"""Context (ctx), and create_error / error_after_head.

The code is in eggfast/_context_py.py; this module re-exports the active twin
of the core (compiled eggfast._context_c unless EGGFAST_NO_EXTENSIONS), chosen
by eggfast._core for Context, Request, Response and respond together.
"""
from typing import TYPE_CHECKING

from ._core import core as _core
from ._core import reexport as _reexport

if TYPE_CHECKING:
    from ._context_py import *  # noqa: F401,F403
else:
    _reexport(globals(), _core.context)
