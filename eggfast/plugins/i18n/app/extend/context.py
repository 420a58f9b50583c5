"""``ctx.__``, ``ctx.gettext`` and ``ctx.locale`` (egg-i18n's context extend)."""
from typing import Any

from eggfast.plugins.i18n.i18n import i18n_of, request_locale


class I18nContext:
    def __(self, key: str, *args: Any) -> str:
        """``key`` translated into this request's locale, filled with ``args`` (``%s``, ``{0}``, ``{name}``)."""
        return i18n_of(self.app).translate(request_locale(self), key, *args)

    def gettext(self, key: str, *args: Any) -> str:
        """The same as ``ctx.__``."""
        return i18n_of(self.app).translate(request_locale(self), key, *args)

    @property
    def locale(self) -> str:
        """This request's locale (query, cookie, Accept-Language, default: the first that is loaded)."""
        return request_locale(self)

    @locale.setter
    def locale(self, value: str) -> None:
        resolved = i18n_of(self.app).resolve(value)
        self.__dict__["_eggfast_locale"] = resolved or i18n_of(self.app).options.default_locale
