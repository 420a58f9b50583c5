"""The example's controller: one method per plugin."""
from eggfast import Controller


class PagesController(Controller):
    async def home(self):
        await self.ctx.render("home", {"name": self.ctx.query.get("name", "<guest>")})

    async def greeting(self):
        self.ctx.body = {"greeting": self.ctx.__("Hello, %s!", "api")}

    async def upload(self):
        files = []
        async for part in self.ctx.multipart():
            if hasattr(part, "filename"):
                files.append({"filename": part.filename, "size": len(await part.read())})
        self.ctx.body = {"files": files}
