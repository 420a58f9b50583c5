"""Boot hooks of the agent (no HTTP here)."""


class Boot:
    def __init__(self, agent):
        self.agent = agent

    async def did_load(self):
        self.agent.messenger.on("app-up", self.on_app_up)

    def on_app_up(self, data):
        self.agent.logger.info("[hello agent] app %s is serving", data["name"])
