"""Routes of the chaos benchmark app (bench/chaos.py): a fast one and a slow one."""


def setup(app):
    app.router.get("/", app.controller.home.index)
    app.router.get("/sleep", app.controller.home.sleep)
