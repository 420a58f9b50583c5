"""Response (ctx.response).

The code is in eggfast/_response_py.py; this module re-exports the active twin
of the core (compiled eggfast._response_c unless EGGFAST_NO_EXTENSIONS), chosen
by eggfast._core for Context, Request, Response and respond together.
"""
from typing import TYPE_CHECKING

from ._core import core as _core
from ._core import reexport as _reexport

if TYPE_CHECKING:
    from ._response_py import *  # noqa: F401,F403
else:
    _reexport(globals(), _core.response)
