"""The development plugin: what `eggfast dev` watches for reloads, in the local env (docs/development.md)."""
