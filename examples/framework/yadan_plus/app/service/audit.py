from eggfast import Service


class AuditService(Service):
    def record(self, what: str) -> str:
        return f"audited {what} at {self.service.clock.now():.0f}"
