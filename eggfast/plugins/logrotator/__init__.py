"""The built-in logrotator plugin (log file rotation)."""
