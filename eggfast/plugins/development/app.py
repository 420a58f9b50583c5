"""The development plugin's boot: check ``config.development`` (read by `eggfast dev`'s reloading supervisor)."""
import eggfast
from eggfast.plugins.development.options import watch_options


class Boot(eggfast.Boot):
    def config_did_load(self) -> None:
        watch_options(self.app)  # a bad config stops start-up here
