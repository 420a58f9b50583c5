"""Command implementations behind ``eggfast`` / ``python -m eggfast``."""
