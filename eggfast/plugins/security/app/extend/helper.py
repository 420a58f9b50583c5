"""``helper.surl``, ``helper.sjs``, ``helper.sjson`` (the security plugin's helper extend)."""
from __future__ import annotations

from typing import Any

from eggfast.plugins.security import escape as _escape
from eggfast.plugins.security.options import security_options


class SecurityHelper:
    def surl(self, value: Any) -> Any:
        """A URL safe for ``href``/``src``: ``''`` unless a path or a listed ``scheme://``
        (http, https, file, data and ``security.protocol_white_list``); ``" ' < >`` escaped."""
        return _escape.surl(value, security_options(self.app).protocol_white_list)

    def sjs(self, value: Any) -> str:
        """``value`` escaped for a JavaScript string literal (``\\xHH``)."""
        return _escape.sjs(value)

    def sjson(self, value: Any) -> str:
        """JSON with keys and string values escaped by :meth:`sjs` (Egg's ``sjson``)."""
        return _escape.sjson(value)
