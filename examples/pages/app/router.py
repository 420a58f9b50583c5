"""Routes of examples/pages."""


def setup(app):
    c = app.controller.pages
    app.router.get("/", c.home)
    app.router.get("/api/greeting", app.jsonp(), c.greeting)
    app.router.post("/upload", c.upload)
