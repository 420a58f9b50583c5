"""The jsonp plugin's boot: check ``config.jsonp`` at start."""
import eggfast
from eggfast.plugins.jsonp.jsonp import jsonp_options


class Boot(eggfast.Boot):
    def config_did_load(self) -> None:
        jsonp_options(self.app.config.get("jsonp") or {})  # a bad config stops start-up here
