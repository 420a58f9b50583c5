"""The Redis registry client behind cluster-client, against a real redis-server; Redis going down."""
from __future__ import annotations

import asyncio

import pytest

from eggfast.cluster_client import ClusterClientError, create_client
from eggfast.cluster_client.registry import RedisRegistryClient


async def until(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_registry_leader_follower_and_redis_down(tmp_path, own_redis_server):
    options = own_redis_server.client_config
    factory = lambda: RedisRegistryClient(options, prefix="t:")  # noqa: E731
    leader = create_client(factory, name="reg", directory=tmp_path, heartbeat_interval=0.3, invoke_timeout=3)
    follower = create_client(factory, name="reg", directory=tmp_path, heartbeat_interval=0.3, invoke_timeout=3)
    await leader.ready()
    await follower.ready()
    try:
        got_leader, got_follower = [], []
        leader.subscribe({"data_id": "svc"}, got_leader.append)
        follower.subscribe({"data_id": "svc"}, got_follower.append)
        await follower.publish({"data_id": "svc", "publish_data": "a:1"})
        await until(lambda: got_follower and got_follower[-1] == ["a:1"] and got_leader[-1] == ["a:1"])
        assert await follower.invoke("get_all", "svc") == ["a:1"]
        assert await follower.invoke("unpublish", "svc", "a:1") == 1
        await until(lambda: got_follower[-1] == [])
        # Redis goes away: invoke fails with a clear error, nothing hangs past the timeout
        own_redis_server.stop()
        with pytest.raises(ClusterClientError):
            await follower.invoke("get_all", "svc", timeout=5)
        with pytest.raises(ClusterClientError):
            await leader.invoke("get_all", "svc", timeout=5)
        # the follower's link to the leader survives (heartbeats go on)
        await asyncio.sleep(1.2)
        assert follower._connected.is_set() and not follower.is_leader
    finally:
        await follower.close()
        await leader.close()
