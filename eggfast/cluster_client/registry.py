"""An example real client for cluster-client: a service registry on Redis (pub/sub + keys).

``publish({"data_id": "svc", "publish_data": "10.0.0.1:80"})`` adds the address
to the set ``<prefix><data_id>`` and publishes on the channel of the same
name; ``subscribe({"data_id": "svc"}, listener)`` calls ``listener`` with the
sorted addresses now and after every change.  ``get_all(data_id)`` and
``unpublish(data_id, address)`` are plain async methods (``invoke`` them
from followers).  When Redis goes away the subscriber loop retries every
``retry_interval`` seconds and re-reads every subscribed set once it is
back, so no change is missed for good.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable, Optional

__all__ = ["RedisRegistryClient", "RegistryAPIClient"]

log = logging.getLogger("eggfast.cluster_client.registry")


class RedisRegistryClient:
    """The real client: holds the one Redis connection (and the pub/sub one) of the machine."""

    def __init__(self, redis_options: dict, prefix: str = "eggfast:registry:", retry_interval: float = 0.5) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis(**redis_options)
        self.prefix = prefix
        self.retry_interval = retry_interval
        self.listeners: dict[str, list[Callable[[Any], Any]]] = {}
        self._pubsub: Any = None
        self._task: Optional[asyncio.Task] = None
        self._changed = asyncio.Event()

    async def ready(self) -> None:
        await self.redis.ping()
        self._task = asyncio.ensure_future(self._listen())

    def subscribe(self, reg: dict, listener: Callable[[Any], Any]) -> None:
        data_id = reg["data_id"]
        self.listeners.setdefault(data_id, []).append(listener)
        self._changed.set()
        asyncio.ensure_future(self._emit(data_id))

    def unsubscribe(self, reg: dict, listener: Optional[Callable[[Any], Any]] = None) -> None:
        items = self.listeners.get(reg["data_id"], [])
        if listener is None:
            items.clear()
        elif listener in items:
            items.remove(listener)

    async def publish(self, reg: dict) -> None:
        key = self.prefix + reg["data_id"]
        await self.redis.sadd(key, reg["publish_data"])
        await self.redis.publish(key, reg["publish_data"])

    async def unpublish(self, data_id: str, address: str) -> int:
        key = self.prefix + data_id
        removed = await self.redis.srem(key, address)
        await self.redis.publish(key, "")
        return int(removed)

    async def get_all(self, data_id: str) -> list[str]:
        return sorted(v.decode() for v in await self.redis.smembers(self.prefix + data_id))

    async def _emit(self, data_id: str) -> None:
        try:
            value = await self.get_all(data_id)
        except Exception as exc:
            log.warning("[registry] cannot read %s: %s", data_id, exc)
            return
        for listener in list(self.listeners.get(data_id, ())):
            listener(value)

    async def _listen(self) -> None:
        subscribed: set[str] = set()
        while True:
            try:
                pubsub = self._pubsub = self.redis.pubsub()
                subscribed = set()
                for data_id in list(self.listeners):  # back after an outage: re-read everything
                    await self._emit(data_id)
                while True:
                    wanted = set(self.listeners) - subscribed
                    if wanted:
                        await pubsub.subscribe(*[self.prefix + d for d in wanted])
                        subscribed |= wanted
                    if not subscribed:
                        self._changed.clear()
                        await self._changed.wait()
                        continue
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
                    if message and message.get("type") == "message":
                        channel = message["channel"].decode()
                        await self._emit(channel[len(self.prefix):])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("[registry] Redis lost (%s); retrying in %ss", exc, self.retry_interval)
                try:
                    await self._pubsub.aclose()
                except Exception:
                    pass
                await asyncio.sleep(self.retry_interval)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._pubsub is not None:
            try:
                await self._pubsub.aclose()
            except Exception:
                pass
        await self.redis.aclose()


from eggfast.cluster_client import APIClientBase  # noqa: E402


class RegistryAPIClient(APIClientBase):
    """What app code uses: ``subscribe(data_id, listener)``, ``publish(data_id, address)``, ``get_all``."""

    name = "registry"

    def create_real_client(self) -> RedisRegistryClient:
        return RedisRegistryClient(dict(self.options["redis"]), self.options.get("prefix", "eggfast:registry:"))

    def subscribe(self, data_id: str, listener: Callable[[list], Any]) -> None:
        self.client.subscribe({"data_id": data_id}, listener)

    def unsubscribe(self, data_id: str, listener: Optional[Callable[[list], Any]] = None) -> None:
        self.client.unsubscribe({"data_id": data_id}, listener)

    async def publish(self, data_id: str, address: str) -> None:
        await self.client.publish({"data_id": data_id, "publish_data": address})

    async def get_all(self, data_id: str, timeout: Optional[float] = None) -> list[str]:
        return await self.client.invoke("get_all", data_id, timeout=timeout)
