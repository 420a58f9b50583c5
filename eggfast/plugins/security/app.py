"""The security plugin's boot: mount ``securities`` and check ``config.security`` (Egg's app.js)."""
import eggfast
from eggfast.http.proxy import trusted_proxies
from eggfast.plugins.security.options import security_options


class Boot(eggfast.Boot):
    def config_will_load(self):
        # Here rather than in config_did_load so that, as in Egg, it follows the
        # plugins before it (session) and precedes what frameworks and the app add.
        core = self.app.config.core_middleware
        if "securities" not in core:
            core.append("securities")

    def config_did_load(self):
        options = security_options(self.app)  # a bad config stops start-up here
        trusted_proxies(self.app)
        if options.csrf.enable and options.csrf.ignore_json:
            self.app.core_logger.warning(
                "[eggfast:security] security.csrf.ignore_json is not safe (a cross-site form or "
                "navigator.sendBeacon can send a JSON content type); turn it off")
