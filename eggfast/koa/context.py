"""Context (ctx), and create_error / error_after_head.

The code is in eggfast/koa/_context_py.py; this module re-exports the active twin
of the core (compiled eggfast.koa._context_c unless EGGFAST_NO_EXTENSIONS), chosen
together for Context, Request, Response and respond (hot path ``context`` in
:mod:`eggfast.twins`).
"""
from typing import TYPE_CHECKING

from eggfast.twins import reexport, select

if TYPE_CHECKING:
    from eggfast.koa._context_py import *  # noqa: F401,F403
else:
    reexport(globals(), select("context").active.context)
