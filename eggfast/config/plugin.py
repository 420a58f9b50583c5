"""eggfast's built-in plugins (SPEC §10), declared in Egg's order.

Each lives in ``eggfast/plugins/<name>/`` with an ``eggfast.toml`` holding its
metadata; an app turns one off with ``plugin = {"onerror": False}`` in its
``config/plugin.py``.  A plugin is declared here only once it does something:
Egg's full order is onerror, session, i18n, watcher, multipart, security,
development, logrotator, schedule, static, jsonp, view, and each later plugin
takes its place in that order when its behaviour lands (session goes between
onerror and security).
"""

BUILTIN_PLUGINS = ("onerror", "security")

plugin = {name: {"enable": True, "package": f"eggfast.plugins.{name}"} for name in BUILTIN_PLUGINS}
