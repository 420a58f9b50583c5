"""Routes of the Egg benchmark app, one class-controller action each (bench/eggjs/app/router.js mirrors them)."""


def setup(app):
    app.router.get("/", app.controller.home.index)
    app.router.get("/json", app.controller.home.json)
    app.router.get("/user/:id/post/:pid", app.controller.home.post)
