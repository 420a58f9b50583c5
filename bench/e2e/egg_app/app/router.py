"""Routes of the Egg benchmark app: one class-controller action."""


def setup(app):
    app.router.get("/", app.controller.home.index)
