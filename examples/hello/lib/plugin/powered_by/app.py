"""A plugin adds its middleware to core_middleware from its boot hooks."""


class Boot:
    def __init__(self, app):
        self.app = app

    def config_will_load(self):
        self.app.config.core_middleware.append("powered_by")
