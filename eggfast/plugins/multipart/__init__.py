"""The multipart plugin: uploads in stream mode or file mode, with limits (docs/multipart.md)."""
