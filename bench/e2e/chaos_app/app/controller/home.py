"""``/`` answers at once; ``/sleep`` after 3 s (``?s=`` overrides), to be in flight at a SIGTERM."""
import asyncio

from eggfast import Controller


class HomeController(Controller):
    async def index(self):
        self.ctx.body = "Hello, World!"

    async def sleep(self):
        seconds = float(self.ctx.query.get("s") or 3)
        await asyncio.sleep(seconds)
        self.ctx.body = f"slept {seconds:g}s"
