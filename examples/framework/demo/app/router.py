def setup(app):
    app.router.get("/", app.controller.home.index)
