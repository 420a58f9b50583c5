"""The built-in security plugin: CSRF, security headers, methodnoallow, dta, safe redirect, escapes.

See docs/security.md.  The parts:

* :mod:`.options` reads and checks ``config.security`` once per app;
* :mod:`.csrf` the tokens and the checks behind ``ctx.csrf`` / ``ctx.assert_csrf()``;
* :mod:`.headers` the response headers, computed once from config;
* :mod:`.paths` the directory-traversal test (``dta``);
* :mod:`.domains` the domain white list and the safe redirect;
* :mod:`.escape` the helper escapes ``surl``, ``sjs``, ``sjson``;
* ``app/middleware/securities.py`` the one middleware that applies them.
"""
