"""``ctx.accept_jsonp`` and ``ctx.create_jsonp_body(body)`` (egg-jsonp's context extend)."""
from typing import Any

from eggfast.koa.body import is_stream_body
from eggfast.plugins.jsonp.jsonp import JSONP_KEY, jsonp_body


class JsonpContext:
    @property
    def accept_jsonp(self) -> bool:
        """True inside an ``app.jsonp()`` route when the request names a usable callback."""
        state = self.__dict__.get(JSONP_KEY)
        return bool(state and state[0])

    def create_jsonp_body(self, body: Any) -> None:
        """Set the body to ``body`` wrapped for this request's callback (as JSON when there is none)."""
        state = self.__dict__.get(JSONP_KEY)
        callback = state[0] if state else ""
        if not callback or is_stream_body(body):  # a streamed body is sent as it is
            self.body = body
            return
        self.body = jsonp_body(body, callback)
        self.type = "application/javascript; charset=utf-8"
        self.set("X-Content-Type-Options", "nosniff")
