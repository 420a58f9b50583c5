"""A class controller, as an Egg app writes one: an instance per request.

bench/eggjs/app/controller/home.js is its Egg.js twin: same actions, same bodies.
"""
from eggfast import Controller


class HomeController(Controller):
    async def index(self):
        self.ctx.body = "Hello, World!"

    async def json(self):
        self.ctx.body = {"message": "Hello, World!"}

    async def post(self):
        params = self.ctx.params
        self.ctx.body = {"id": params["id"], "pid": params["pid"]}
