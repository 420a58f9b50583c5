"""eggfast's built-in plugins: one mini-app per folder, declared in eggfast/config/plugin.py."""
