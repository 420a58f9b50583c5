"""The multipart plugin's boot: check ``config.multipart``; mount the file-mode middleware after ``securities``."""
import eggfast
from eggfast.plugins.multipart.parser import multipart_options


class Boot(eggfast.Boot):
    def config_will_load(self) -> None:
        core = self.app.config.core_middleware
        if "multipart" not in core:
            core.append("multipart")

    def config_did_load(self) -> None:
        multipart_options(self.app)  # a bad config stops start-up here
        # Unlike Egg, run after the security plugin's CSRF check, so a forged upload
        # never reaches the disk: move right behind ``securities`` when it comes later.
        core = self.app.config.core_middleware
        if "securities" in core and "multipart" in core and core.index("multipart") < core.index("securities"):
            core.remove("multipart")
            core.insert(core.index("securities") + 1, "multipart")
