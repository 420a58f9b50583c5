"""``app.__(locale, key, *args)`` and ``app.gettext`` (egg-i18n's application extend)."""
from typing import Any

from eggfast.plugins.i18n.i18n import i18n_of


class I18nApplication:
    def __(self, locale: str, key: str, *args: Any) -> str:
        """``key`` translated into ``locale`` (outside a request: jobs, emails)."""
        return i18n_of(self).translate(locale, key, *args)

    def gettext(self, locale: str, key: str, *args: Any) -> str:
        """The same as ``app.__``."""
        return i18n_of(self).translate(locale, key, *args)
