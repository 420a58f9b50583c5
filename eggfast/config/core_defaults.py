"""Default config of the core middleware, onerror and the loggers.

``eggfast/config/config.default.py`` merges :data:`CONFIG` into the
framework's defaults.  Values follow Egg's (research/egg-features.md §1.6),
with snake_case keys.  Everything here can be overridden by an app's own
``config/config.*.py``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["CONFIG", "THIRTY_DAYS"]

#: seconds in thirty days: the ``Cache-Control`` max-age of site files.
THIRTY_DAYS = 30 * 24 * 3600

CONFIG: dict[str, Any] = {
    # x-readtime on every response; ``logging`` writes a core log line per request.
    "meta": {
        "enable": True,
        "logging": False,
    },
    # Paths answered before anything else (GET/HEAD only).  A str value is a
    # redirect target, bytes are served as the file, a callable(ctx) returns
    # either (awaitable allowed).
    "site_file": {
        "/favicon.ico": "https://eggjs.org/favicon.png",
        "cache_max_age": THIRTY_DAYS,
    },
    # 404 with no body: JSON or HTML by Accept; ``page_url`` redirects instead.
    "notfound": {
        "page_url": "",
    },
    "body_parser": {
        "enable": True,
        "encoding": "utf8",
        "form_limit": "1mb",
        "json_limit": "1mb",
        "text_limit": "1mb",
        "strict": True,
        "query_string": {
            "array_limit": 100,
            "depth": 5,
            "parameter_limit": 1000,
            "allow_dots": False,
        },
        "enable_types": ["json", "form"],
        "extend_types": {},
        "detect_json": None,
    },
    # POST + x-http-method-override header or a ``_method`` body field.
    "override_method": {
        "allowed_methods": ["POST"],
    },
    "onerror": {
        "error_page_url": "",
        "app_error_filter": None,
        "template_path": "",
        # Optional custom handlers ``fn(err, ctx)``: all, html, json, text, js;
        # and ``accepts(ctx) -> 'json' | 'html' | 'text' | 'js'``.
    },
    "logger": {
        # None: <root>/logs/<app name>/ (root is base_dir in local and
        # unittest, the home directory otherwise).
        "dir": None,
        "encoding": "utf-8",
        "level": "INFO",
        "console_level": "INFO",
        # None: console output in the local env only; True/False forces it.
        "console": None,
        "allow_debug_at_prod": False,
        # File names; None for app_log_name means "<app name>-web.log".
        "app_log_name": None,
        "core_log_name": "eggfast-web.log",
        "agent_log_name": "eggfast-agent.log",
        "error_log_name": "common-error.log",
        # Per-logger overrides of level / console_level for the core logger.
        "core_logger": {},
    },
    # More loggers: name -> {file, level, console_level}; app.get_logger(name).
    "custom_logger": {
        "schedule_logger": {
            "file": "eggfast-schedule.log",
            "console_level": "NONE",
        },
    },
}
