"""eggfast's built-in plugins (SPEC §10), declared in Egg's order.

Each lives in ``eggfast/plugins/<name>/`` with an ``eggfast.toml`` holding its
metadata; an app turns one off with ``plugin = {"onerror": False}`` (or one
that is off by default on with ``plugin = {"session_redis": True}``) in its
``config/plugin.py``.  A plugin is declared here only once it does something:
Egg's full order is onerror, session, i18n, watcher, multipart, security,
development, logrotator, schedule, static, jsonp, view, and each later plugin
takes its place in that order when its behaviour lands.  ``session_redis``
(the Redis session store, not one of Egg's built-ins) follows the plugin it
needs.
"""

BUILTIN_PLUGINS = ("onerror", "session", "session_redis", "i18n", "multipart", "security", "development",
                   "logrotator", "schedule", "static", "jsonp", "view")

#: built-in plugins an app must turn on itself
DISABLED_BY_DEFAULT = frozenset({"session_redis"})

plugin = {name: {"enable": name not in DISABLED_BY_DEFAULT, "package": f"eggfast.plugins.{name}"}
          for name in BUILTIN_PLUGINS}
