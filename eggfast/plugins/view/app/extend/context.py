"""``ctx.render``, ``ctx.render_view``, ``ctx.render_string`` and ``ctx.locals`` (egg-view's context extend)."""
from typing import Any, Optional

from eggfast.plugins.view.locals import template_locals
from eggfast.plugins.view.manager import view_manager


class ViewContext:
    @property
    def locals(self) -> dict[str, Any]:
        """This request's template values (``app.locals`` first); assigning a dict merges it in."""
        values = self.__dict__.get("_eggfast_locals")
        if values is None:
            values = self.__dict__["_eggfast_locals"] = dict(self.app.locals)
        return values

    @locals.setter
    def locals(self, value: dict[str, Any]) -> None:
        self.locals.update(value)

    async def render(self, name: str, data: Optional[dict] = None, options: Optional[dict] = None) -> None:
        """Render the template ``name`` with ``data`` into the body (as HTML unless a type is set)."""
        html = await self.render_view(name, data, options)
        self.body = html
        if not self.response.has("Content-Type") or self.type == "text/plain":
            self.type = "html"

    async def render_view(self, name: str, data: Optional[dict] = None, options: Optional[dict] = None) -> str:
        """The template ``name`` rendered with ``data`` (and ``ctx``, ``helper``, locals) as a string."""
        return await view_manager(self.app).render(name, template_locals(self, data), options)

    async def render_string(self, source: str, data: Optional[dict] = None, options: Optional[dict] = None) -> str:
        """``source`` rendered as a template with the same values as :meth:`render_view`."""
        return await view_manager(self.app).render_string(source, template_locals(self, data), options)
