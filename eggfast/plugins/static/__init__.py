"""The built-in static plugin (/public/ files)."""
