"""``app.view`` (the engine registry) and ``app.locals`` (values every template sees)."""
from typing import Any

from eggfast.plugins.view.manager import ViewManager, view_manager


class ViewApplication:
    @property
    def view(self) -> ViewManager:
        """The view manager: ``app.view.use("name", EngineClass)`` registers an engine."""
        return view_manager(self)

    @property
    def locals(self) -> dict[str, Any]:
        """Values merged into every template's data (under ``ctx.locals`` and the render data)."""
        values = self.__dict__.get("_eggfast_locals")
        if values is None:
            values = self.__dict__["_eggfast_locals"] = {}
        return values

    @locals.setter
    def locals(self, value: dict[str, Any]) -> None:
        self.locals.update(value)
