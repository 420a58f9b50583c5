"""The i18n plugin: ``ctx.__`` / ``app.__`` from ``config/locale/*.py|json`` (docs/i18n.md)."""
