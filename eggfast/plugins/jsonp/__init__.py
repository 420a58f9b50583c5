"""The jsonp plugin: ``app.jsonp()`` wraps JSON responses for ``?callback=`` (docs/jsonp.md)."""
