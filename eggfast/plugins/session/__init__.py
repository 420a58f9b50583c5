"""The built-in session plugin (Egg's egg-session over koa-session): ``ctx.session``.

Sessions live in an encrypted cookie (``config.session``) or, when
``app.session_store`` is set, in an external store keyed by a random id that
the (signed) cookie carries.  See docs/session.md.
"""
from eggfast.plugins.session.options import SessionOptions
from eggfast.plugins.session.session import Session
from eggfast.plugins.session.store import SessionStore, SessionStoreError

__all__ = ["Session", "SessionOptions", "SessionStore", "SessionStoreError"]
