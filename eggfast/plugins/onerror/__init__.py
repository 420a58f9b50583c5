"""The built-in onerror plugin (error pages by Accept and env)."""
