"""The built-in logrotator plugin: log files rotated by day, by hour or by size, as schedules.

See :mod:`eggfast.plugins.logrotator.rotator` and docs/logrotator.md.
"""
from eggfast.plugins.logrotator.rotator import LogRotator

__all__ = ["LogRotator"]
