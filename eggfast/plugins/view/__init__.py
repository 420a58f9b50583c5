"""The view plugin: ``ctx.render`` with engines chosen by file extension; jinja2 built in (docs/view.md)."""
