"""The router: Egg's routing API over a radix table and a compiled matcher.

* ``router.py``   ``Router`` (verbs, named routes, ``url()``, redirects, resources)
* ``patterns.py`` a route path parsed into tokens
* ``table.py``    the frozen table built from all routes
* ``_matcher.py`` selects the matcher twin: ``_matcher_py.py`` (pure) or
  ``_matcher_c.pyx`` (compiled), listed in :mod:`eggfast.twins`
"""
from eggfast.errors import RouterError
from eggfast.router.patterns import expand, parse_path, shape
from eggfast.router.router import METHODS, REST_MAP, Route, Router
from eggfast.router.table import build_table

__all__ = ["Router", "Route", "RouterError", "build_table", "parse_path", "expand", "shape", "METHODS", "REST_MAP"]
