"""Boot hooks of the app worker."""
import eggfast


class Boot(eggfast.Boot):
    def config_did_load(self):
        self.app.config.greeting.setdefault("word", "Hello")

    async def did_load(self):
        self.app.started_hooks = ["did_load"]

    async def will_ready(self):
        self.app.started_hooks.append("will_ready")

    async def server_did_ready(self):
        self.app.messenger.send_to_agent("app-up", {"name": self.app.name})

    async def before_close(self):
        self.app.core_logger.info("[hello] closing")
