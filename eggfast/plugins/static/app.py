"""The static plugin's boot: mount the ``static`` middleware after the plugins before it (egg-static's app.js)."""
import eggfast
from eggfast.plugins.static.serve import static_options


class Boot(eggfast.Boot):
    def config_will_load(self) -> None:
        core = self.app.config.core_middleware
        if "static" not in core:
            core.append("static")

    def config_did_load(self) -> None:
        static_options(self.app)  # a bad config stops start-up here
