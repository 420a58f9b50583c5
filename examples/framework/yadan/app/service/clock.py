import time

from eggfast import Service


class ClockService(Service):
    def now(self) -> float:
        return time.time()
