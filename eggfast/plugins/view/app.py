"""The view plugin's boot: build ``app.view`` (checking ``config.view``) and register the jinja2 engine."""
import eggfast
from eggfast.plugins.view.jinja import Jinja2View
from eggfast.plugins.view.manager import view_manager


class Boot(eggfast.Boot):
    def config_did_load(self) -> None:
        view_manager(self.app).use("jinja2", Jinja2View)  # a bad config.view stops start-up here

    async def will_ready(self) -> None:
        view_manager(self.app).check_mapping()
