"""The Koa core: ``Application``, ``Context``, ``Request``, ``Response``, ``compose``.

* ``application.py`` the Koa ``Application`` (``use``, ``listen``, the handler)
* ``context.py``, ``request.py``, ``response.py``, ``respond.py`` the
  per-request objects: each re-exports the active twin of the ``context`` hot
  path (``_context_py.py`` etc., compiled from the same sources typed by
  ``_context_c.pxd`` etc.), chosen together by ``_core.py``
* ``_compose.py`` selects the onion dispatcher twin: ``_compose_py.py`` (pure)
  or ``_compose_c.pyx`` (compiled)
* ``body.py`` what a response body can be (shared by both twins)

The twin pairs are listed in :mod:`eggfast.twins`.  The Egg layer's
``eggfast.Application`` (``eggfast.egg.application``) builds on this one.
"""
from eggfast.koa.application import Application

__all__ = ["Application"]
