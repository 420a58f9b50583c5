"""The logrotator plugin in an app worker: reopen the log files when a rotation says so."""
from typing import Any

import eggfast
from eggfast.plugins.logrotator.rotator import RELOAD


class Boot(eggfast.Boot):
    def config_did_load(self) -> None:
        app: Any = self.app
        app.messenger.on(RELOAD, lambda _data: app.loggers.reload() if hasattr(app.loggers, "reload") else None)
