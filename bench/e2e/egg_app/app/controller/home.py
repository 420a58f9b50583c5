"""A class controller, as an Egg app writes one: an instance per request."""
from eggfast import Controller


class HomeController(Controller):
    async def index(self):
        self.ctx.body = "Hello, World!"
