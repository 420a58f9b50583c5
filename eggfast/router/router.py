"""The Egg-style router: verbs, named routes, ``url()``, redirects, resources.

Route syntax (one token per ``/``-separated segment):

* ``/users``          static, case-sensitive;
* ``/users/:id``      a param: exactly one non-empty segment;
* ``/users/:id?``     an optional param (the route also matches ``/users``);
* ``/users/:id(\\d+)`` a param whose raw segment must fullmatch the regex;
* ``/files/*path``    a wildcard: the non-empty rest of the path, ``/`` included
  (a bare ``*`` is stored as ``params["*"]``); it must be the last segment.

Matching is not strict (``/a/`` and ``/a`` are the same path).  At each
segment a static child beats a param, which beats a wildcard; params at the
same place keep their registration order; a branch with no route for the
method falls back to the next one.  GET routes answer HEAD.  A known path
with another method gets 405 and ``Allow``; OPTIONS gets 204 and ``Allow``;
an unknown path goes on to ``next()``.

The table is built once, by :meth:`Router.freeze`, as plain tuples and dicts
and handed to the active matcher twin (``eggfast.router._matcher``).
"""
from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Iterable, Mapping
from urllib.parse import quote, urlencode

from eggfast.errors import RouterError
from eggfast.http.hdrs import REDIRECT_STATUSES
from eggfast.koa._compose import compose
from eggfast.router.patterns import parse_path, shape
from eggfast.router.table import build_table

Handler = Callable[[Any], Any]
Middleware = Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]

#: the methods a verb helper may register; ``all`` registers ``None`` (any method).
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class Route:
    """One registered route (a koa-router Layer): methods, pattern, name, chain."""

    __slots__ = ("methods", "path", "name", "stack", "dispatch", "tokens")

    def __init__(self, methods: tuple[str, ...] | None, path: str, name: str | None, stack: list) -> None:
        self.methods = methods
        self.path = path
        self.name = name
        self.stack = stack
        self.tokens = parse_path(path)
        # PERF: a route that is only its handler needs no onion around it
        # (the endpoint never calls next), so it is called directly.
        self.dispatch = stack[0] if len(stack) == 1 and getattr(stack[0], "is_endpoint", False) else compose(stack)

    def url(self, params: Mapping[str, Any] | None = None) -> str:
        """Fill this route's params; extra ones go to the query string."""
        params = dict(params or {})
        parts: list[str] = []
        for tok in self.tokens:
            if tok[0] == "s":
                parts.append(tok[1])
                continue
            name = tok[1]
            if name not in params:
                if tok[0] == "p" and tok[3]:
                    continue
                raise RouterError(f"missing param {name!r} for route {self.name or self.path!r}")
            value = params.pop(name)
            parts.append(quote(str(value), safe="/" if tok[0] == "w" else ""))
        url = "/" + "/".join(parts)
        if params:
            url += "?" + urlencode(
                [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, (list, tuple)) else [vs])]
            )
        return url

    def __repr__(self) -> str:
        methods = "ALL" if self.methods is None else ",".join(self.methods)
        return f"<Route {methods} {self.path} name={self.name!r}>"


def _endpoint(handler: Handler) -> Middleware:
    """Turn a ``handler(ctx)`` into the last middleware of a route chain."""
    if inspect.iscoroutinefunction(handler):
        def call_async(ctx: Any, next: Any) -> Awaitable[Any]:  # noqa: A002
            return handler(ctx)

        call_async.is_endpoint = True  # type: ignore[attr-defined]
        return call_async

    async def call(ctx: Any, next: Any) -> Any:  # noqa: A002
        result = handler(ctx)
        if inspect.isawaitable(result):
            result = await result
        return result

    call.is_endpoint = True  # type: ignore[attr-defined]
    return call


def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    if name.endswith("sses"):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


#: Egg's REST map, in Egg's registration order: action, methods, suffix, name.
REST_MAP = (
    ("index", ("GET",), "", "{plural}"),
    ("new", ("GET",), "/new", "new_{singular}"),
    ("create", ("POST",), "", "{plural}"),
    ("show", ("GET",), "/:id", "{singular}"),
    ("edit", ("GET",), "/:id/edit", "edit_{singular}"),
    ("update", ("PUT", "PATCH"), "/:id", "{singular}"),
    ("destroy", ("DELETE",), "/:id", "destroy_{singular}"),
)


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if path in ("", "/"):
        return prefix
    return prefix + path


def _norm_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or (prefix and not prefix.startswith("/")):
        raise RouterError(f"router prefix {prefix!r} must be '' or start with '/'")
    return prefix.rstrip("/")


class Router:
    """Route table plus the middleware that dispatches to it.

    ``app`` (optional) resolves dotted-string handlers against
    ``app.controller``.  ``matcher`` picks the matcher twin (a module with a
    ``Matcher`` class); by default the active one from ``eggfast.router._matcher``.
    """

    def __init__(self, app: Any = None, *, prefix: str = "", matcher: Any = None) -> None:
        self.app = app
        self._prefix = _norm_prefix(prefix)
        self._matcher_module = matcher
        self._entries: list[tuple[tuple[str, ...] | None, str, str | None, list]] = []
        self._use: list[Middleware] = []
        self._children: list[tuple[str, Router]] = []
        self._routes: list[Route] | None = None
        self._names: dict[str, Route] = {}
        self._match: Callable[[str, str], tuple] | None = None
        self.frozen = False

    # -- registration -------------------------------------------------------
    def _check_open(self) -> None:
        if self.frozen:
            raise RouterError("router is frozen: routes cannot be added after the app started")

    def register(
        self, path: str, methods: Iterable[str] | None, middleware: Iterable[Any], name: str | None = None
    ) -> "Router":
        """Register ``middleware`` (the last item is the handler) for ``methods`` (None: any)."""
        self._check_open()
        chain = list(middleware)
        if not chain:
            raise RouterError(f"route {path!r} has no handler")
        parse_path(path)  # fail early, with the path the user wrote
        stack = [self._resolve(mw, "middleware") for mw in chain[:-1]]
        stack.append(_endpoint(self._resolve(chain[-1], "handler")))
        ms = None if methods is None else tuple(m.upper() for m in methods)
        self._entries.append((ms, path, name, stack))
        return self

    def _resolve(self, fn: Any, what: str) -> Callable:
        if isinstance(fn, str):
            return self._controller(fn)
        if not callable(fn):
            raise RouterError(f"route {what} must be callable or a 'controller.action' string, not {fn!r}")
        return fn

    def _controller(self, dotted: str) -> Any:
        target = getattr(self.app, "controller", None) if self.app is not None else None
        for part in dotted.split("."):
            if target is None:
                break
            target = target.get(part) if isinstance(target, Mapping) else getattr(target, part, None)
        if target is None or not callable(target):
            raise RouterError(f"app.controller.{dotted} not exists")
        return target

    def _verb(self, methods: tuple[str, ...] | None, args: tuple) -> "Router":
        name = None
        if len(args) >= 3 and isinstance(args[0], str) and isinstance(args[1], str):
            name, args = args[0], args[1:]
        if not args or not isinstance(args[0], str):
            raise RouterError("a route needs a path: (name?, path, *middleware, handler)")
        return self.register(args[0], methods, args[1:], name)

    def get(self, *args: Any) -> "Router":
        """``get(name?, path, *middleware, handler)``; also answers HEAD."""
        return self._verb(("GET",), args)

    def post(self, *args: Any) -> "Router":
        """``post(name?, path, *middleware, handler)``."""
        return self._verb(("POST",), args)

    def put(self, *args: Any) -> "Router":
        """``put(name?, path, *middleware, handler)``."""
        return self._verb(("PUT",), args)

    def patch(self, *args: Any) -> "Router":
        """``patch(name?, path, *middleware, handler)``."""
        return self._verb(("PATCH",), args)

    def delete(self, *args: Any) -> "Router":
        """``delete(name?, path, *middleware, handler)``; alias ``del_``."""
        return self._verb(("DELETE",), args)

    del_ = delete

    def head(self, *args: Any) -> "Router":
        """``head(name?, path, *middleware, handler)``."""
        return self._verb(("HEAD",), args)

    def options(self, *args: Any) -> "Router":
        """``options(name?, path, *middleware, handler)``."""
        return self._verb(("OPTIONS",), args)

    def all(self, *args: Any) -> "Router":
        """``all(name?, path, *middleware, handler)``: every method."""
        return self._verb(None, args)

    def redirect(self, source: str, destination: str, status: int = 302) -> "Router":
        """Answer every method on ``source`` with ``ctx.redirect(destination)`` and ``status``.

        ``destination`` may be a route name (resolved when a request comes).
        The answer is ``ctx.redirect``'s: an encoded ``Location`` and an
        HTML-escaped ``Redirecting to <a href=...>`` body for clients that
        accept HTML, plain text otherwise.  ``status`` must be a redirect
        status (300, 301, 302, 303, 305, 307, 308).
        """
        if status not in REDIRECT_STATUSES:
            raise RouterError(f"router.redirect({source!r}, {destination!r}): {status!r} is not a redirect "
                              f"status (use one of {', '.join(map(str, sorted(REDIRECT_STATUSES)))})")

        def handler(ctx: Any) -> None:
            target = self.url(destination) if destination in self._all_names() else destination
            ctx.status = status  # ctx.redirect keeps a redirect status already set
            ctx.redirect(target)

        return self.register(source, None, [handler])

    def resources(self, *args: Any) -> "Router":
        """``resources(name?, prefix, *middleware, controller)``: Egg's seven REST actions.

        ``controller`` is an object, class, dict or dotted string with any of
        index/new/create/show/edit/update/destroy; missing actions are skipped.
        """
        name = None
        if len(args) >= 3 and isinstance(args[0], str) and isinstance(args[1], str):
            name, args = args[0], args[1:]
        if len(args) < 2 or not isinstance(args[0], str):
            raise RouterError("resources needs (name?, prefix, *middleware, controller)")
        prefix, middleware, controller = args[0].rstrip("/"), args[1:-1], args[-1]
        if isinstance(controller, str):
            controller = self._controller(controller) if "." in controller else self._namespace(controller)
        singular = _singular(name) if name else None
        for action, methods, suffix, pattern in REST_MAP:
            fn = controller.get(action) if isinstance(controller, Mapping) else getattr(controller, action, None)
            if fn is None:
                continue
            route_name = pattern.format(plural=name, singular=singular) if name else None
            self.register(prefix + suffix, methods, [*middleware, fn], route_name)
        return self

    def _namespace(self, dotted: str) -> Any:
        target = getattr(self.app, "controller", None) if self.app is not None else None
        for part in dotted.split("."):
            target = None if target is None else (
                target.get(part) if isinstance(target, Mapping) else getattr(target, part, None)
            )
        if target is None:
            raise RouterError(f"app.controller.{dotted} not exists")
        return target

    def prefix(self, prefix: str) -> "Router":
        """Set the prefix of every route of this router (before or after they were added)."""
        self._check_open()
        self._prefix = _norm_prefix(prefix)
        return self

    def use(self, *args: Any) -> "Router":
        """``use(*middleware)``: router-level middleware, run before each matched route's chain.

        ``use(prefix?, *routers)``: mount sub-routers under ``prefix``; their
        routes, names and router-level middleware join this router's.
        """
        self._check_open()
        mount = ""
        if args and isinstance(args[0], str):
            mount, args = _norm_prefix(args[0]), args[1:]
        for item in args:
            if isinstance(item, Router):
                if item is self:
                    raise RouterError("a router cannot be mounted on itself")
                self._children.append((mount, item))
            elif mount:
                raise RouterError("use(prefix, ...) mounts routers; use(*middleware) takes no prefix")
            elif callable(item):
                self._use.append(item)
            else:
                raise RouterError(f"router.use() takes middleware or routers, not {item!r}")
        return self

    # -- freeze and lookup ----------------------------------------------------
    def _flatten(self, prefix: str, middleware: list, seen: tuple) -> list[Route]:
        if self in seen:
            raise RouterError("router mounted inside itself")
        base = _join(prefix, self._prefix)
        mws = middleware + self._use
        routes = [Route(ms, _join(base, path), name, mws + stack) for ms, path, name, stack in self._entries]
        for mount, child in self._children:
            routes.extend(child._flatten(_join(base, mount), mws, seen + (self,)))
        return routes

    def _all_names(self) -> dict[str, Route]:
        if self._routes is None:
            names: dict[str, Route] = {}
            for route in self._flatten("", [], ()):
                if route.name is not None:
                    names.setdefault(route.name, route)
            return names
        return self._names

    def freeze(self) -> "Router":
        """Build the route table once; later registrations raise ``RouterError``."""
        if self.frozen:
            return self
        routes = self._flatten("", [], ())
        seen: dict[tuple, Route] = {}
        for route in routes:
            for method in route.methods or ("*",):
                key = (method, shape(route.tokens))
                other = seen.get(key)
                if other is not None:
                    raise RouterError(
                        f"duplicate route {method if method != '*' else 'ALL'} {route.path!r} "
                        f"(name {route.name!r}) conflicts with {other.path!r} (name {other.name!r})"
                    )
                seen[key] = route
        for route in routes:
            if route.name is not None:
                self._names.setdefault(route.name, route)
        table = build_table((r.tokens, r.methods, r) for r in routes)
        module = self._matcher_module
        if module is None:
            from eggfast.router import _matcher as module
        self._match = module.Matcher(table).match
        self._routes = routes
        self.table = table
        self._freeze_children()
        return self

    def _freeze_children(self) -> None:
        self.frozen = True
        for _, child in self._children:
            child._freeze_children()

    @property
    def stack(self) -> list[Route]:
        """Every route, flattened (frozen routers only: the routes that serve)."""
        return list(self._routes if self._routes is not None else self._flatten("", [], ()))

    def url(self, name: str, params: Mapping[str, Any] | None = None) -> str:
        """URL of the named route, params filled and percent-encoded; ``''`` if unknown."""
        route = self._all_names().get(name)
        return "" if route is None else route.url(params)

    def match(self, method: str, path: str) -> tuple:
        """``(route | None, params | None, allowed | None)`` for a raw path (freezes)."""
        if self._match is None:
            self.freeze()
        return self._match(method, path)  # type: ignore[misc]

    def routes(self) -> Middleware:
        """The router middleware (Koa's ``router.routes()``); freezes on first request."""

        async def router_middleware(ctx: Any, next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
            match = self._match
            if match is None:
                self.freeze()
                match = self._match
            route, params, allowed = match(ctx.method, ctx.path)  # type: ignore[misc]
            if route is not None:
                if params is None:
                    ctx.throw(400, "invalid percent-encoding in path")
                ctx.params = params
                ctx.router_name = route.name
                ctx.router_path = route.path
                return await route.dispatch(ctx, next)
            if allowed is None:
                return await next()
            ctx.set("Allow", ", ".join(allowed))
            if ctx.method == "OPTIONS":
                ctx.status = 204
                return None
            ctx.status = 405
            ctx.body = "Method Not Allowed"
            return None

        return router_middleware

    middleware = routes


__all__ = ["Router", "Route", "METHODS", "REST_MAP"]
