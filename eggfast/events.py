"""A small synchronous event emitter (Node's EventEmitter subset)."""
from __future__ import annotations

from typing import Any, Callable


class EventEmitter:
    """``on``/``once``/``off``/``emit``/``listener_count`` with Node's semantics."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Callable[..., Any]]] = {}

    def on(self, event: str, listener: Callable[..., Any] | None = None) -> Any:
        """Add a listener; usable as a decorator: ``@app.on("error")``."""
        if listener is None:
            return lambda fn: self.on(event, fn) and fn
        self._listeners.setdefault(event, []).append(listener)
        return self

    def once(self, event: str, listener: Callable[..., Any]) -> "EventEmitter":
        def wrapper(*args: Any) -> Any:
            self.off(event, wrapper)
            return listener(*args)

        return self.on(event, wrapper)

    def off(self, event: str, listener: Callable[..., Any]) -> "EventEmitter":
        listeners = self._listeners.get(event)
        if listeners and listener in listeners:
            listeners.remove(listener)
        return self

    def listener_count(self, event: str) -> int:
        return len(self._listeners.get(event, ()))

    def emit(self, event: str, *args: Any) -> bool:
        """Call every listener in order; True if there was any."""
        listeners = self._listeners.get(event)
        if not listeners:
            return False
        for listener in list(listeners):
            listener(*args)
        return True
