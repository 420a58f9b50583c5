"""The built-in development plugin (reload on change; local env only)."""
