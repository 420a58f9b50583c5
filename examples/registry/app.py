"""Each app worker's registry client is a follower (or the leader, if the agent died)."""
import os
import time

import eggfast
from eggfast.cluster_client.registry import RegistryAPIClient


class Boot(eggfast.Boot):
    async def did_load(self):
        app = self.app
        app.registry = RegistryAPIClient(app, **app.config.registry)
        await app.registry.ready()
        app.services = None
        marks = os.environ.get("REGISTRY_MARKS")

        def on_change(addresses):
            app.services = addresses
            if marks:
                with open(marks, "a") as f:
                    f.write(f"{os.getpid()} {time.time():.6f} {','.join(addresses)}\n")

        app.registry.subscribe("demo", on_change)

    async def before_close(self):
        await self.app.registry.close()
