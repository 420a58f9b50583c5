"""Locales and translation (egg-i18n + koa-locales).

Locale files are ``config/locale/<locale>.json`` (an object) or
``config/locale/<locale>.py`` (a module whose ``locale`` dict holds the
messages) in every plugin, framework and the app (later units win), plus
``config.i18n.dirs``.  Locale names are compared in lower case with ``-``
(``zh_CN`` and ``zh-CN`` are ``zh-cn``).

The request's locale is the first of: the query value
(``config.i18n.query_field``), the cookie (``cookie_field``), the
``Accept-Language`` header (best q first; ``zh`` matches a ``zh-cn`` file
when there is no ``zh``), the default locale, whichever names a loaded
locale (or an alias of one).  Unless it came from the cookie, it is written
back to the cookie (``write_cookie``).
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from eggfast.errors import ConfigError
from eggfast.http.negotiation import preferred_languages
from eggfast.loader.file_loader import load_module

__all__ = ["I18n", "I18nOptions", "load_i18n", "i18n_of", "format_message", "normalize_locale", "request_locale"]

_PLACEHOLDER = re.compile(r"%[sdj%]|\{(\w+)\}")


def normalize_locale(name: str) -> str:
    """``zh_CN`` → ``zh-cn``."""
    return name.strip().replace("_", "-").lower()


def format_message(text: str, args: tuple) -> str:
    """Fill ``text``: one dict fills ``{name}``, one list or several values fill ``{0}`` and ``%s``/``%d``/``%j``."""
    if not args:
        return text
    if len(args) == 1 and isinstance(args[0], Mapping):
        values = args[0]
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)
    seq = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    position = iter(seq)

    def fill(m: "re.Match[str]") -> str:
        token = m.group(0)
        if token == "%%":
            return "%"
        if m.group(1) is not None:
            index = m.group(1)
            if index.isdigit() and int(index) < len(seq):
                return str(seq[int(index)])
            return token
        try:
            value = next(position)
        except StopIteration:
            return token
        if token == "%d":
            try:
                return str(int(value))
            except (TypeError, ValueError):
                return "NaN"
        if token == "%j":
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    return _PLACEHOLDER.sub(fill, text)


@dataclass(frozen=True)
class I18nOptions:
    """``config.i18n`` checked."""

    default_locale: str
    query_field: str
    cookie_field: str
    cookie_domain: Optional[str]
    cookie_max_age: int
    write_cookie: bool
    locale_alias: dict[str, str]


class I18n:
    """The loaded locales of one app: ``translate(locale, key, *args)``."""

    def __init__(self, options: I18nOptions, locales: dict[str, dict[str, str]]) -> None:
        self.options = options
        self.locales = locales

    def resolve(self, name: Any) -> Optional[str]:
        """The loaded locale ``name`` stands for (an alias is followed), or None."""
        if not isinstance(name, str) or not name or len(name) > 64:
            return None
        name = normalize_locale(name)
        name = self.options.locale_alias.get(name, name)
        return name if name in self.locales else None

    def translate(self, locale: Optional[str], key: str, *args: Any) -> str:
        """``key``'s text in ``locale`` (the default locale's, else ``key`` itself), filled with ``args``."""
        key = str(key)
        text = None
        if locale:
            text = self.locales.get(normalize_locale(locale), {}).get(key)
        if text is None:
            text = self.locales.get(self.options.default_locale, {}).get(key, key)
        return format_message(str(text), args)


def _options(conf: Mapping[str, Any]) -> I18nOptions:
    def text(key: str, default: str) -> str:
        value = conf.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"config.i18n.{key}: a non-empty string is required, not {value!r}")
        return value

    max_age = conf.get("cookie_max_age", 365 * 24 * 3600)
    if not isinstance(max_age, int) or isinstance(max_age, bool) or max_age < 0:
        raise ConfigError(f"config.i18n.cookie_max_age: seconds (a whole number >= 0) are required, not {max_age!r}")
    alias = conf.get("locale_alias") or {}
    if not isinstance(alias, Mapping):
        raise ConfigError(f"config.i18n.locale_alias: {{'alias': 'locale'}} is required, not {alias!r}")
    return I18nOptions(
        default_locale=normalize_locale(text("default_locale", "en-us")),
        query_field=text("query_field", "locale"),
        cookie_field=text("cookie_field", "locale"),
        cookie_domain=conf.get("cookie_domain") or None,
        cookie_max_age=max_age,
        write_cookie=bool(conf.get("write_cookie", True)),
        locale_alias={normalize_locale(k): normalize_locale(v) for k, v in alias.items()},
    )


def _read(path: str) -> dict[str, str]:
    if path.endswith(".json"):
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as err:
            raise ConfigError(f"{path}: a locale file must be a JSON object ({err})") from err
    else:
        module = load_module(Path(path))
        data = getattr(module, "locale", None)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a locale file must hold an object of messages "
                          f"(JSON, or `locale = {{...}}` in Python)")
    return {str(k): str(v) for k, v in data.items()}


def load_i18n(app: Any) -> I18n:
    """Read every locale folder and keep the result as ``app``'s (see :func:`i18n_of`)."""
    options = _options(app.config.get("i18n") or {})
    dirs: list[str] = []
    loader = getattr(app, "loader", None)
    if loader is not None:
        dirs += [str(unit.path / "config" / "locale") for unit in loader.get_load_units()]
    base_dir = str(getattr(app, "base_dir", "") or os.getcwd())
    dirs += [os.path.join(base_dir, d) for d in (app.config.get("i18n") or {}).get("dirs") or []]
    locales: dict[str, dict[str, str]] = {}
    for folder in dirs:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext not in (".json", ".py") or stem.startswith((".", "_")):
                continue
            locales.setdefault(normalize_locale(stem), {}).update(_read(os.path.join(folder, name)))
    locales.setdefault(options.default_locale, {})
    i18n = I18n(options, locales)
    app.__dict__["_eggfast_i18n"] = i18n
    return i18n


def i18n_of(app: Any) -> I18n:
    """``app``'s loaded :class:`I18n` (loaded now if the boot has not run)."""
    i18n = app.__dict__.get("_eggfast_i18n")
    return i18n if i18n is not None else load_i18n(app)


def request_locale(ctx: Any) -> str:
    """The locale of this request (worked out once; see the module docs), writing the cookie back."""
    cached = ctx.__dict__.get("_eggfast_locale")
    if cached is not None:
        return cached
    i18n = i18n_of(ctx.app)
    options = i18n.options
    from_cookie = False
    query = ctx.query.get(options.query_field)
    locale = i18n.resolve(query[0] if isinstance(query, list) and query else query)
    if locale is None:
        locale = i18n.resolve(ctx.cookies.get(options.cookie_field, signed=False))
        from_cookie = locale is not None
    if locale is None:
        header = ctx.get("accept-language")
        if header:
            for lang in preferred_languages(header[:1024]):
                locale = i18n.resolve(lang)
                if locale is None and "-" in lang:
                    locale = i18n.resolve(lang.split("-", 1)[0])
                if locale is None:
                    prefix = normalize_locale(lang) + "-"
                    locale = next((name for name in i18n.locales if name.startswith(prefix)), None)
                if locale is not None:
                    break
    if locale is None:
        locale = options.default_locale
    ctx.__dict__["_eggfast_locale"] = locale
    if options.write_cookie and not from_cookie and ctx.cookies.get(options.cookie_field, signed=False) != locale:
        ctx.cookies.set(options.cookie_field, locale, max_age=options.cookie_max_age, http_only=False,
                        signed=False, domain=options.cookie_domain, overwrite=True)
    return locale
