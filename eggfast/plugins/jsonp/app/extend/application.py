"""``app.jsonp(options)``: the router middleware that turns a JSON response into JSONP."""
from typing import Any, Awaitable, Callable, Optional

from eggfast.plugins.jsonp.jsonp import make_jsonp


class JsonpApplication:
    def jsonp(self, options: Optional[dict] = None) -> Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]:
        """A middleware for a route: ``app.router.get("/api/user", app.jsonp(), controller)``.

        ``options`` override ``config.jsonp`` for this route (``callback``, ``limit``,
        ``csrf``, ``white_list``)."""
        return make_jsonp(self, options)
