"""Routes of examples/hello."""


def setup(app):
    router, controller = app.router, app.controller
    router.get("index", "/", controller.home.index)
    router.get("/json", controller.home.json)
    router.get("greet", "/greet/:name", controller.home.greet)
    router.post("/echo", controller.api.echo)
    router.post("/json-echo", controller.api.json_echo)
    router.get("user", "/user/:id", controller.api.user)
    router.get("/stream", controller.api.stream)
