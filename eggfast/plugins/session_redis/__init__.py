"""The built-in session_redis plugin (off by default): sessions kept in Redis.

Turn it on with ``plugin = {"session_redis": True}``; it connects with
``config.redis.client`` (redis-py's asyncio client) and sets
``app.session_store`` to a :class:`RedisSessionStore`.  See docs/session.md.
"""
from eggfast.plugins.session_redis.store import RedisSessionStore

__all__ = ["RedisSessionStore"]
