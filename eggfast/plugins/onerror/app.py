"""The onerror plugin: Egg's error pages (JSON / HTML / text by Accept and env)."""
import eggfast
from eggfast.plugins.onerror.handler import install_onerror


class Boot(eggfast.Boot):
    def config_did_load(self):
        install_onerror(self.app)
