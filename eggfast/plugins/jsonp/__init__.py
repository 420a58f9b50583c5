"""The built-in jsonp plugin (JSONP responses)."""
