"""Every built-in config default, in one place.

:data:`KOA` is what a bare Koa-style ``Application()`` starts from (proxy
trust, ``config["server"]``); :data:`CONFIG` adds the framework's: core
middleware, onerror, session, the loggers, boot and dump settings (the
session_redis plugin, off by default, brings :data:`SESSION_REDIS`; the
static, jsonp, view, i18n, multipart and development plugins bring theirs).
``eggfast/config/config.default.py`` merges both (plus the values that come
from the app's ``app_info``) as the base of every Egg app's config.  Values
follow Egg's, with snake_case keys; an app's own ``config/config.*.py``
overrides any of them.
"""
from __future__ import annotations

from typing import Any

__all__ = ["KOA", "CONFIG", "CORE_MIDDLEWARE", "THIRTY_DAYS", "SESSION_REDIS", "STATIC", "JSONP", "VIEW", "I18N",
           "MULTIPART", "DEVELOPMENT"]

#: the Koa application's defaults (Egg's proxy trust settings; server limits
#: are in eggfast/server/limits.py and ``server`` overrides them).
KOA: dict[str, Any] = {
    "env": "local",
    "proxy": False,
    # with proxy on, X-Forwarded-* are read only from these peers (addresses or CIDRs)
    "trusted_proxies": ["127.0.0.1", "::1"],
    "ip_headers": "x-forwarded-for",
    "protocol_headers": "x-forwarded-proto",
    "host_headers": "",
    "max_ips_count": 0,
    "subdomain_offset": 2,
    "protocol": None,
    "server": {},
}

#: the core middleware, in Egg's order (plugins append theirs from app.py)
CORE_MIDDLEWARE = ["meta", "site_file", "notfound", "body_parser", "override_method"]

#: seconds in thirty days: the ``Cache-Control`` max-age of site files.
THIRTY_DAYS = 30 * 24 * 3600

CONFIG: dict[str, Any] = {
    # cookie signing keys, comma-separated: required in prod
    "keys": "",
    "core_middleware": CORE_MIDDLEWARE,
    "middleware": [],
    # seconds before a running boot hook is logged as slow
    "boot_timeout": 10,
    # extra config keys to mask in run/*_config.json (names or "^regex")
    "dump": {"ignore": []},
    # name -> {directory, inject: "app" | "ctx", load_unit, case_style, export}
    "custom_loader": {},
    # `eggfast start` (docs/cluster.md).  Times are seconds; workers 0 = the
    # CPUs this process may use (affinity and cgroup quota respected).
    "cluster": {
        "listen": {"hostname": "127.0.0.1", "port": 7001},
        "workers": 0,
        "worker_start_timeout": 60,
        "kill_timeout": 30,
        "worker_timeout": 30,
        "max_requests": 0,
        "max_requests_jitter": 0,
        "refork_limit": 60,
        "refork_window": 60,
        "ipc_max_bytes": 1024 * 1024,
        # on a drain, an idle keep-alive connection stays open this long for a
        # request already on its way (closing it at once races the client)
        "drain_idle_grace": 1.0,
    },
    # readiness/liveness answers for orchestrators, before any middleware; "" = off
    "health": {"readiness_path": "", "liveness_path": ""},
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
    # ctx.session (the session plugin): an encrypted cookie unless app.session_store is set.
    "session": {
        "key": "EGG_SESS",
        # seconds, or "session": a cookie without Max-Age, gone with the browser session
        "max_age": 86400,
        "http_only": True,
        "encrypt": True,
        # re-issue when less than half of max_age is left
        "renew": False,
        # re-issue on every response
        "rolling": False,
        "same_site": "lax",
        # None: Secure on HTTPS requests
        "secure": None,
        "path": "/",
        "domain": None,
        # seconds an external store may take per call before the request is a 503
        "store_timeout": 5,
    },
    # The security plugin (docs/security.md).  Every part takes enable and
    # match / ignore (path prefix, compiled regex, callable(ctx), or a list).
    "security": {
        # hosts ctx.redirect may leave to ("a.com" also allows its subdomains,
        # "*" is a wildcard); empty: any http(s) host.  Also limits shtml links.
        "domain_white_list": [],
        # schemes helper.surl keeps besides http, https, file and data
        "protocol_white_list": [],
        "csrf": {
            "enable": True,
            # "ctoken", "referer", "all" (both) or "any" (either)
            "type": "ctoken",
            # token from the header only, and the cookie set only when ctx.csrf is read
            "api_only": False,
            # skip JSON requests (unsafe; Egg deprecates it)
            "ignore_json": False,
            "cookie_name": "csrfToken",
            # a domain for the secret cookie, or callable(ctx) -> domain
            "cookie_domain": None,
            # more ctx.cookies.set() options for the secret cookie (e.g. {"signed": True})
            "cookie_options": {},
            "header_name": "x-csrf-token",
            "body_name": "_csrf",
            "query_name": "_csrf",
            # a new secret after a failed check
            "rotate_when_invalid": False,
            # requests that are checked: path (prefix, regex or callable) and methods
            "supported_requests": [{"path": "/", "methods": ["POST", "PATCH", "DELETE", "PUT", "CONNECT"]}],
            # hosts (besides this one) a Referer may name in the referer/all/any types
            "referer_white_list": [],
        },
        "xframe": {"enable": True, "value": "SAMEORIGIN"},
        # sent over HTTPS only
        "hsts": {"enable": False, "max_age": 365 * 24 * 3600, "include_subdomains": False, "preload": False},
        # TRACE and TRACK -> 405
        "methodnoallow": {"enable": True},
        "noopen": {"enable": True},
        "nosniff": {"enable": True},
        # "0" turns off the legacy XSS auditor (Egg sends "1; mode=block")
        "xss_protection": {"enable": True, "value": "0"},
        "referrer_policy": {"enable": True, "value": "strict-origin-when-cross-origin"},
        # {directive: source or [sources]}; script-src gets 'nonce-<ctx.nonce>'
        "csp": {"enable": False, "policy": {}, "report_only": False},
        # a '..' path segment in any encoding -> 400
        "dta": {"enable": True},
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

#: The session_redis plugin's config, merged only when that plugin is enabled
#: (eggfast/plugins/session_redis/config/config.default.py).
SESSION_REDIS: dict[str, Any] = {
    # redis.asyncio.Redis(**client): any other keyword of redis-py may be added
    "redis": {
        "client": {
            "host": "127.0.0.1",
            "port": 6379,
            "db": 0,
            "password": None,
        },
    },
    "session_redis": {
        # every session id is stored as <prefix><id>
        "prefix": "eggfast:sess:",
    },
}


#: The static plugin's config (eggfast/plugins/static, docs/static.md).
STATIC: dict[str, Any] = {
    "static": {
        # URL prefix -> folder (relative to base_dir); None: app/public.  A list serves several folders.
        "prefix": "/public/",
        "dir": None,
        # more folders: a path (under ``prefix``) or {"prefix": "/x/", "dir": "path"}
        "dirs": [],
        # Cache-Control max-age in seconds; None: one year in prod, 0 elsewhere
        "max_age": None,
        # keep whole files of up to buffer_max_size in memory; None: on in prod only
        "buffer": None,
        "buffer_max_size": "1mb",
        # files whose metadata (and buffered content) the LRU cache holds
        "max_files": 1000,
        # gzip compressible files of gzip_min_size..buffer_max_size on the fly
        "gzip": False,
        "gzip_min_size": 1024,
        # serve a sibling <file>.br / <file>.gz when the client accepts it
        "precompressed": True,
        # False: a symlink whose target leaves the folder is not served
        "follow_symlinks": False,
        # a Range with more ranges than this is answered with the whole file (200)
        "max_ranges": 100,
    },
}

#: The jsonp plugin's config (eggfast/plugins/jsonp, docs/jsonp.md); a route's
#: ``app.jsonp(options)`` overrides any key.
JSONP: dict[str, Any] = {
    "jsonp": {
        # query keys that name the callback, the first present one wins
        "callback": ["_callback", "callback"],
        # longest callback name kept (characters beyond are cut)
        "limit": 50,
        # a JSONP request must pass ctx.assert_csrf() (a `_csrf` query value)
        "csrf": False,
        # or come from one of these Referer hosts ('.a.com' = a.com and subdomains, or a compiled regex)
        "white_list": [],
    },
}

#: The view plugin's config (eggfast/plugins/view, docs/view.md).
VIEW: dict[str, Any] = {
    "view": {
        # template folders (relative to base_dir), a list or comma-separated; None: app/view
        "root": None,
        # keep compiled templates; None: off in local (edits show at once), on elsewhere
        "cache": None,
        # added to a template name without an extension
        "default_extension": ".html",
        # the engine for render_string and for extensions not in mapping
        "default_view_engine": "jinja2",
        # file extension -> engine name (app.view.use(name, Engine) registers more)
        "mapping": {".html": "jinja2", ".jinja": "jinja2", ".j2": "jinja2"},
    },
    # the jinja2 engine; "environment" passes more jinja2.Environment keywords
    "jinja2": {
        "autoescape": True,
        "cache_size": 400,
        "strict_undefined": False,
        "trim_blocks": False,
        "lstrip_blocks": False,
        "environment": {},
    },
}

#: The i18n plugin's config (eggfast/plugins/i18n, docs/i18n.md).
I18N: dict[str, Any] = {
    "i18n": {
        # the locale when nothing in the request names a loaded one
        "default_locale": "en-US",
        # more locale folders (relative to base_dir) besides every unit's config/locale/
        "dirs": [],
        "query_field": "locale",
        "cookie_field": "locale",
        "cookie_domain": "",
        # seconds
        "cookie_max_age": 365 * 24 * 3600,
        # write the chosen locale back to the cookie when it did not come from there
        "write_cookie": True,
        # {"zh": "zh-CN"}: a requested name -> a loaded locale
        "locale_alias": {},
    },
}

#: The multipart plugin's config (eggfast/plugins/multipart, docs/multipart.md).
MULTIPART: dict[str, Any] = {
    "multipart": {
        # "stream": ctx.multipart() / ctx.get_file_stream(); "file": ctx.request.files (temp files)
        "mode": "stream",
        # limits: over any is a 413 naming the key
        "field_name_size": 100,
        "field_size": "100kb",
        "fields": 10,
        "file_size": "10mb",
        "files": 10,
        # extensions allowed besides egg-multipart's default list
        "file_ext_white_list": [],
        # replaces the list: a list of extensions, or callable(filename) -> bool
        "whitelist": None,
        # file mode's folder; None: <system temp>/eggfast-multipart-tmp/<app name>
        "tmpdir": None,
    },
}

#: The development plugin's config (local env only; read by `eggfast dev`, docs/development.md).
DEVELOPMENT: dict[str, Any] = {
    "development": {
        # more folders (relative to base_dir) whose changes reload, besides app/, config/, local plugins
        "watch_dirs": [],
        # more folder names whose changes never reload, besides logs, run, public, view
        "ignore_dirs": [],
    },
}
