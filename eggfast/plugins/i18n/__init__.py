"""The built-in i18n plugin (locales and ctx.gettext)."""
