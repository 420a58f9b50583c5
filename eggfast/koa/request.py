"""Request (ctx.request) and its query-string helpers.

The code is in eggfast/koa/_request_py.py; this module re-exports the active twin
of the core (compiled eggfast.koa._request_c unless EGGFAST_NO_EXTENSIONS), chosen
together for Context, Request, Response and respond (hot path ``context`` in
:mod:`eggfast.twins`).
"""
from typing import TYPE_CHECKING

from eggfast.twins import reexport, select

if TYPE_CHECKING:
    from eggfast.koa._request_py import *  # noqa: F401,F403
else:
    reexport(globals(), select("context").active.request)
