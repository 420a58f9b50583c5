"""The built-in watcher plugin (file watching: app.watcher)."""
