"""The agent starts first, so its registry client is the leader: it holds the Redis connection."""
import eggfast
from eggfast.cluster_client.registry import RegistryAPIClient


class Boot(eggfast.Boot):
    async def did_load(self):
        self.app.registry = RegistryAPIClient(self.app, **self.app.config.registry)
        await self.app.registry.ready()

    async def before_close(self):
        await self.app.registry.close()
