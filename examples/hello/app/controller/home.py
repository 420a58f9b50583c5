"""A class controller: one instance per request, ``self.ctx`` bound."""
from eggfast import Controller


class HomeController(Controller):
    async def index(self):
        self.ctx.body = "Hello, eggfast!\n"

    async def json(self):
        self.ctx.body = {"message": "Hello, JSON", "framework": "eggfast"}

    async def greet(self):
        name = self.ctx.params["name"]
        self.ctx.body = {
            "greeting": await self.service.greeting.greet(name),
            "url": self.ctx.helper.url_for("greet", {"name": name}),
            "shout": self.ctx.shout(name),
        }
