"""cluster-client mechanics in one process: several ClusterClients on one socket directory."""
from __future__ import annotations

import asyncio

import pytest

from eggfast.cluster_client import ClusterClientError, create_client


class MemoryClient:
    """A real client with no upstream: values published are sent to subscribers."""

    made = 0

    def __init__(self) -> None:
        MemoryClient.made += 1
        self.values: dict[str, list] = {}
        self.listeners: dict[str, list] = {}

    def subscribe(self, reg, listener):
        self.listeners.setdefault(reg["id"], []).append(listener)
        if reg["id"] in self.values:
            listener(self.values[reg["id"]])

    def publish(self, reg):
        self.values.setdefault(reg["id"], []).append(reg["value"])
        for fn in self.listeners.get(reg["id"], []):
            fn(list(self.values[reg["id"]]))

    async def echo(self, value):
        return value

    async def slow(self, seconds):
        await asyncio.sleep(seconds)
        return "late"

    async def fail(self):
        raise ValueError("nope")

    async def close(self):
        pass


async def until(predicate, timeout=5.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_subscribe_publish_invoke_late_subscriber_and_failover(tmp_path):
    make = lambda: create_client(MemoryClient, name="mem", directory=tmp_path, heartbeat_interval=0.2)  # noqa: E731
    leader, f1, f2 = make(), make(), make()
    await leader.ready()
    await f1.ready()
    await f2.ready()
    assert leader.is_leader and not f1.is_leader and not f2.is_leader
    got1, got2, late = [], [], []
    f1.subscribe({"id": "a"}, got1.append)
    f2.subscribe({"id": "a"}, got2.append)
    await asyncio.sleep(0.05)
    await f1.publish({"id": "a", "value": 1})
    await until(lambda: got1 and got2)
    assert got1[-1] == got2[-1] == [1]
    # a late subscriber gets the latest value at once
    f2.subscribe({"id": "a"}, late.append)
    await until(lambda: late)
    assert late == [[1]]
    assert await f1.invoke("echo", {"x": 1}) == {"x": 1}
    with pytest.raises(ClusterClientError, match="timed out"):
        await f1.invoke("slow", 1.0, timeout=0.1)
    with pytest.raises(ClusterClientError, match="ValueError: nope"):
        await f2.invoke("fail")
    with pytest.raises(ClusterClientError, match="cannot be invoked"):
        await f2.invoke("close")
    # unsubscribe: no more values
    f2.unsubscribe({"id": "a"})
    await f1.publish({"id": "a", "value": 2})
    await until(lambda: got1[-1] == [1, 2])
    await asyncio.sleep(0.1)
    assert got2[-1] == [1]
    # the leader goes away: a follower takes over and subscribers resume
    await leader.close()
    await until(lambda: f1.is_leader or f2.is_leader)
    new_leader, other = (f1, f2) if f1.is_leader else (f2, f1)
    await until(lambda: other._connected.is_set())
    await other.publish({"id": "a", "value": 3})  # the new real client starts empty
    await until(lambda: got1 and got1[-1] == [3])
    assert await other.invoke("echo", 5) == 5
    await f1.close()
    await f2.close()


async def test_invoke_fails_when_the_leader_is_lost_mid_call(tmp_path):
    leader = create_client(MemoryClient, name="mid", directory=tmp_path, heartbeat_interval=0.2)
    follower = create_client(MemoryClient, name="mid", directory=tmp_path, heartbeat_interval=0.2)
    await leader.ready()
    await follower.ready()
    call = asyncio.ensure_future(follower.invoke("slow", 5, timeout=3))
    await asyncio.sleep(0.1)
    await leader.close()
    with pytest.raises(ClusterClientError, match="lost"):
        await call
    await follower.close()


async def test_heartbeat_drops_a_silent_leader(tmp_path):
    """A leader that stops answering (but keeps the socket open) is dropped after 3 heartbeats."""
    import socket

    sock_dir = tmp_path
    follower = create_client(MemoryClient, name="hb", directory=sock_dir, heartbeat_interval=0.1)
    # a fake leader: holds the flock and accepts, never answers
    import fcntl
    import os

    fd = os.open(sock_dir / "hb.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    accepted = []
    release = asyncio.Event()

    async def silent(reader, writer):
        accepted.append(writer)
        await release.wait()
        writer.close()

    server = await asyncio.start_unix_server(silent, path=str(sock_dir / "hb.sock"))
    await follower.ready()
    assert not follower.is_leader
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    # within ~3 heartbeats the follower gives up on it and (the lock being free) leads itself
    await until(lambda: follower.is_leader, timeout=5)
    release.set()
    server.close()
    await server.wait_closed()
    await follower.close()
