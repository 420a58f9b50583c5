"""eggfast's built-in plugins, in Egg's order (SPEC §10).

Each lives in ``eggfast/plugins/<name>/`` with an ``eggfast.toml`` holding
its metadata; an app turns one off with ``plugin = {"session": False}`` in
its ``config/plugin.py``.  Several are still placeholders that later issues
fill in (see docs/egg-layer.md).
"""

plugin = {
    name: {"enable": True, "package": f"eggfast.plugins.{name}"}
    for name in (
        "onerror", "session", "i18n", "watcher", "multipart", "security", "development",
        "logrotator", "schedule", "static", "jsonp", "view",
    )
}
