"""The session plugin: ``session`` joins the core middleware, ``ctx.session`` the Context."""
import eggfast
from eggfast.plugins.session.install import configure


class Boot(eggfast.Boot):
    def config_will_load(self):
        core = self.app.config.core_middleware
        if "session" not in core:
            core.append("session")

    def config_did_load(self):
        configure(self.app)
