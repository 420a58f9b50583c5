"""GET / → this worker's view; GET /publish?addr=… publishes; GET /all asks the leader."""
import os


def setup(app):
    async def index(ctx):
        ctx.body = {"pid": os.getpid(), "services": ctx.app.services, "leader": ctx.app.registry.client.is_leader}

    async def publish(ctx):
        await ctx.app.registry.publish("demo", ctx.query["addr"])
        ctx.body = {"published": ctx.query["addr"]}

    async def all_(ctx):
        ctx.body = {"all": await ctx.app.registry.get_all("demo")}

    app.router.get("/", index)
    app.router.get("/publish", publish)
    app.router.get("/all", all_)
