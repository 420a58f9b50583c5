"""``app.session_store``: None (the cookie store) or an external store."""
from typing import Any

from eggfast.plugins.session.install import session_options
from eggfast.plugins.session.store import check_store


class SessionStoreExtend:
    @property
    def session_store(self) -> Any:
        """The external session store, or None when sessions live in the cookie."""
        return session_options(self).store

    @session_store.setter
    def session_store(self, store: Any) -> None:
        session_options(self).store = check_store(store, self)
