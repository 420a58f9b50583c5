"""A service: created lazily, once per request (``ctx.service.greeting``)."""
from eggfast import Service


class GreetingService(Service):
    async def greet(self, name: str) -> str:
        return f"{self.config.greeting.word}, {name}!"
