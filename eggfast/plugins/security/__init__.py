"""The built-in security plugin (CSRF, safe redirect, security headers)."""
