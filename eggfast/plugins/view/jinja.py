"""The jinja2 view engine: autoescaping, async rendering, the template cache off in local.

Templates are loaded from ``config.view.root`` (in order).  With
``config.view.cache`` off (the default in ``local``) every render reads the
file again, so an edit shows at once; otherwise compiled templates are
kept (``config.jinja2.cache_size`` of them) and not checked again.
"""
from __future__ import annotations

from typing import Any

import jinja2

__all__ = ["Jinja2View"]


class Jinja2View:
    """A view engine (see :mod:`eggfast.plugins.view.manager`) on one ``jinja2.Environment``."""

    def __init__(self, app: Any) -> None:
        from eggfast.plugins.view.manager import view_manager

        options = view_manager(app).options
        conf = dict(app.config.get("jinja2") or {})
        extra = conf.pop("environment", None) or {}
        cache_size = conf.get("cache_size", 400)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(options.roots)),
            autoescape=conf.get("autoescape", True),
            enable_async=True,
            cache_size=cache_size if options.cache else 0,
            auto_reload=not options.cache,
            undefined=jinja2.StrictUndefined if conf.get("strict_undefined") else jinja2.Undefined,
            trim_blocks=bool(conf.get("trim_blocks", False)),
            lstrip_blocks=bool(conf.get("lstrip_blocks", False)),
            **extra,
        )

    async def render(self, name: str, locals_: dict, options: dict) -> str:
        """The template at ``name`` (relative to a root) rendered with ``locals_``."""
        template = self.env.get_template(name)
        return await template.render_async(locals_)

    async def render_string(self, source: str, locals_: dict, options: dict) -> str:
        """``source`` compiled and rendered with ``locals_`` (autoescaped too)."""
        template = self.env.from_string(source)
        return await template.render_async(locals_)
