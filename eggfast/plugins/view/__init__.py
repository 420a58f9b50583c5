"""The built-in view plugin (templates: ctx.render)."""
