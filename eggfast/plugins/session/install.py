"""Wire the session into an app: parse ``config.session``, install ``ctx.session``."""
from __future__ import annotations

from typing import Any

from eggfast.plugins.session.context import SLOT, SessionProperty
from eggfast.plugins.session.options import SessionOptions

__all__ = ["session_options", "configure"]

_ATTR = "_eggfast_session_options"


def session_options(app: Any) -> SessionOptions:
    """The app's one :class:`SessionOptions` (made on first use, so a store may be set before config is read)."""
    options = app.__dict__.get(_ATTR)
    if options is None:
        options = app.__dict__[_ATTR] = SessionOptions()
    return options


def configure(app: Any) -> SessionOptions:
    """Read ``config.session`` into the app's options and give its Context class ``ctx.session``."""
    options = session_options(app)
    parsed = SessionOptions.from_config(app.config.get("session"))
    for name in SessionOptions.__dataclass_fields__:
        if name != "store":
            setattr(options, name, getattr(parsed, name))
    app.context_class.session = SessionProperty(options)
    setattr(app.context_class, SLOT, None)
    if not options.http_only:
        app.core_logger.warning("[session] config.session.http_only is False: scripts in the page can read "
                                "the session cookie; set it to True unless they must")
    return options
