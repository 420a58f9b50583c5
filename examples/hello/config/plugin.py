"""Plugins: a local one shipped with the app (lib/plugin/powered_by)."""

plugin = {
    "powered_by": {"enable": True, "path": "lib/plugin/powered_by"},
}
