"""The built-in schedule plugin (app/schedule tasks)."""
