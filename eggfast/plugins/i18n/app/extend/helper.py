"""``helper.__`` and ``helper.gettext`` in templates and controllers."""
from typing import Any


class I18nHelper:
    def __(self, key: str, *args: Any) -> str:
        """``ctx.__(key, *args)``."""
        return self.ctx.gettext(key, *args)

    def gettext(self, key: str, *args: Any) -> str:
        """``ctx.gettext(key, *args)``."""
        return self.ctx.gettext(key, *args)
