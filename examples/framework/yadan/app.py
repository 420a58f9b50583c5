"""yadan's boot: mount the framework's middleware after eggfast's core ones."""


class Boot:
    def __init__(self, app):
        self.app = app

    def config_will_load(self):
        self.app.config.core_middleware.append("yadan_header")
