"""The i18n plugin's boot: load every unit's ``config/locale/`` once the config is known."""
import eggfast
from eggfast.plugins.i18n.i18n import load_i18n


class Boot(eggfast.Boot):
    def config_did_load(self) -> None:
        load_i18n(self.app)  # a bad locale file or config stops start-up here
