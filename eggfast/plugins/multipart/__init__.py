"""The built-in multipart plugin (file uploads)."""
