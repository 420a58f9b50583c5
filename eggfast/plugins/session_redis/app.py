"""The session_redis plugin: a Redis client made at start-up, closed at shutdown."""
from typing import Any, Optional

import eggfast
from eggfast.errors import ConfigError
from eggfast.plugins.session_redis.store import RedisSessionStore


def _client_options(config: Any) -> dict:
    redis_config = config.get("redis") or {}
    client = redis_config.get("client") if isinstance(redis_config, dict) else None
    if not isinstance(client, dict):
        raise ConfigError(f"config.redis.client must be a dict such as {{'host': '127.0.0.1', 'port': 6379, "
                          f"'db': 0, 'password': None}}, not {client!r}")
    return dict(client)


class Boot(eggfast.Boot):
    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.client: Optional[Any] = None

    async def did_load(self) -> None:
        import redis.asyncio

        options = _client_options(self.app.config)
        prefix = (self.app.config.get("session_redis") or {}).get("prefix", "eggfast:sess:")
        if not isinstance(prefix, str):
            raise ConfigError(f"config.session_redis.prefix must be a string, not {prefix!r}")
        if "retry" not in options:
            # redis-py's default retries three times with backoff (seconds per
            # request while Redis is down); one immediate retry still survives a
            # pooled connection that Redis dropped, then the request is a 503.
            from redis.asyncio.retry import Retry
            from redis.backoff import NoBackoff

            options["retry"] = Retry(NoBackoff(), 1)
        try:
            self.client = redis.asyncio.Redis(**options)
        except TypeError as exc:
            raise ConfigError(f"config.redis.client: {exc}") from None
        self.app.session_store = RedisSessionStore(self.client, prefix)

    async def will_ready(self) -> None:
        # Fail at start-up, not on the first request, when Redis cannot be reached.
        where = "{host}:{port}/{db}".format(**{"host": "127.0.0.1", "port": 6379, "db": 0,
                                               **_client_options(self.app.config)})
        try:
            await self.client.ping()
        except Exception as exc:
            raise ConfigError(f"session_redis: cannot reach Redis at {where} (config.redis.client): "
                              f"{type(exc).__name__}: {exc}") from None

    async def before_close(self) -> None:
        if self.client is not None:
            await self.client.aclose()
            self.client = None
