class YadanContext:
    @property
    def framework(self):
        return self.app.config.framework_name
