"""A session store on Redis (redis-py's asyncio client): one key per session, TTL = max_age."""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["RedisSessionStore", "BROWSER_SESSION_TTL"]

#: Redis TTL of a session whose max_age is "session" (the cookie has no
#: Max-Age, but the key must not live forever); every save restarts it.
BROWSER_SESSION_TTL = 86400


class RedisSessionStore:
    """``app.session_store`` on a ``redis.asyncio.Redis`` client, keys ``<prefix><session id>``."""

    def __init__(self, client: Any, prefix: str = "eggfast:sess:") -> None:
        self.client = client
        self.prefix = prefix

    async def get(self, key: str, max_age: Any, ctx: Any) -> Optional[bytes]:
        """The session's JSON, or None when Redis has no such key (never set, expired, destroyed)."""
        return await self.client.get(self.prefix + key)

    async def set(self, key: str, value: str, max_age: Any, ctx: Any) -> None:
        """Store the session's JSON for ``max_age`` seconds (:data:`BROWSER_SESSION_TTL` for "session")."""
        ttl = max_age if isinstance(max_age, int) else BROWSER_SESSION_TTL
        await self.client.set(self.prefix + key, value, ex=ttl)

    async def destroy(self, key: str, ctx: Any) -> None:
        """Delete the session's key."""
        await self.client.delete(self.prefix + key)

    def __repr__(self) -> str:
        kwargs = getattr(getattr(self.client, "connection_pool", None), "connection_kwargs", {})
        return f"<RedisSessionStore {kwargs.get('host')}:{kwargs.get('port')}/{kwargs.get('db')} {self.prefix!r}>"
