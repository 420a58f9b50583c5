"""The session_redis plugin against a real redis-server (tests/conftest.py starts it; both context twins)."""
from __future__ import annotations

import socket
import uuid

import orjson
import pytest
import redis.asyncio

from eggfast.errors import ConfigError
from eggfast.plugins.session_redis import RedisSessionStore
from eggfast.plugins.session_redis.store import BROWSER_SESSION_TTL

from session_helpers import Browser

DAY = 86400


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def peek(redis_server):
    """A client of our own, to look at what the store wrote."""
    client = redis.asyncio.Redis(**redis_server.client_config)
    yield client
    await client.aclose()


def redis_app(session_app, server, prefix, **config):
    return session_app(plugins={"session_redis": True}, redis={"client": server.client_config},
                       session_redis={"prefix": prefix}, **config)


def error_log(app) -> str:
    for handler in app.logger.handlers:
        handler.flush()
    try:
        return open(app.config.logger.dir + "/common-error.log").read()
    except FileNotFoundError:
        return ""


async def test_sessions_live_in_redis_with_max_age_as_ttl(session_app, redis_server, prefix, peek):
    app = await redis_app(session_app, redis_server, prefix)
    assert isinstance(app.session_store, RedisSessionStore)
    assert list(app.plugins) == ["jsonp", "onerror", "session", "session_redis", "i18n", "multipart", "logrotator", "schedule", "static", "view"]
    browser = Browser(app)
    await browser.json("/set?user=tom")
    session_id = browser.jar["EGG_SESS"]
    assert len(session_id) == 32 and "EGG_SESS.sig" in browser.jar
    stored = orjson.loads(await peek.get(prefix + session_id))
    assert stored["d"] == {"user": "tom"} and stored["a"] == DAY
    assert DAY - 5 <= await peek.ttl(prefix + session_id) <= DAY
    assert (await browser.json("/")) == {"data": {"user": "tom"}, "is_new": False, "len": 1, "max_age": DAY}
    await browser.json("/remember?days=30")
    assert 30 * DAY - 5 <= await peek.ttl(prefix + session_id) <= 30 * DAY
    await browser.json("/browser")
    assert BROWSER_SESSION_TTL - 5 <= await peek.ttl(prefix + session_id) <= BROWSER_SESSION_TTL
    await browser.json("/logout")
    assert await peek.exists(prefix + session_id) == 0
    assert (await browser.json("/"))["is_new"] is True


async def test_regenerate_moves_the_session_to_a_new_key(session_app, redis_server, prefix, peek):
    browser = Browser(await redis_app(session_app, redis_server, prefix))
    await browser.json("/set?user=tom")
    old = browser.jar["EGG_SESS"]
    await browser.json("/regenerate")
    new = browser.jar["EGG_SESS"]
    assert new != old
    assert await peek.exists(prefix + old) == 0 and await peek.exists(prefix + new) == 1


async def test_a_key_gone_from_redis_is_a_new_session(session_app, redis_server, prefix, peek):
    browser = Browser(await redis_app(session_app, redis_server, prefix))
    await browser.json("/set?user=tom")
    await peek.delete(prefix + browser.jar["EGG_SESS"])
    assert (await browser.json("/"))["is_new"] is True


async def test_redis_going_down_mid_test_is_a_503(session_app, own_redis_server, prefix):
    app = await redis_app(session_app, own_redis_server, prefix)
    browser = Browser(app)
    await browser.json("/set?user=tom")
    own_redis_server.stop()  # our own redis-server, stopped by its PID
    res = await browser.get("/", headers={"accept": "application/json"})
    assert res.status == 503, res.text
    message = orjson.loads(res.body)["message"]
    assert message.startswith("session store RedisSessionStore.get() failed: ConnectionError: ")
    assert f"127.0.0.1:{own_redis_server.port}" in message
    assert "SessionStoreError: session store RedisSessionStore.get() failed: ConnectionError" in error_log(app)
    res = await Browser(app).get("/set?user=jerry")  # a new session cannot be saved either
    assert res.status == 503 and "RedisSessionStore.set() failed" in res.text


async def test_unreachable_redis_stops_start_up(session_app, prefix):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConfigError) as info:
        await session_app(plugins={"session_redis": True}, redis={"client": {"port": port}})
    message = str(info.value)
    assert f"will_ready() failed: ConfigError: session_redis: cannot reach Redis at 127.0.0.1:{port}/0 (config.redis.client)" \
        in message
    assert "ConnectionError" in message


async def test_bad_client_config_stops_start_up(session_app):
    with pytest.raises(ConfigError, match="config.redis.client: .*unexpected keyword argument 'hots'"):
        await session_app(plugins={"session_redis": True}, redis={"client": {"hots": "x"}})
    with pytest.raises(ConfigError, match="config.redis.client must be a dict"):
        await session_app(plugins={"session_redis": True}, redis={"client": "redis://x"})


async def test_the_client_is_closed_before_close(session_app, redis_server, prefix, peek):
    name = f"eggfast-{prefix}"
    config = dict(redis_server.client_config, client_name=name)
    app = await session_app(plugins={"session_redis": True}, redis={"client": config},
                            session_redis={"prefix": prefix})

    async def ours() -> int:
        return sum(1 for client in await peek.client_list() if client.get("name") == name)

    assert await ours() == 1  # will_ready's PING opened it
    await app.close()
    assert await ours() == 0


async def test_a_connection_redis_dropped_is_retried_once(session_app, redis_server, prefix, peek):
    browser = Browser(await redis_app(session_app, redis_server, prefix))
    await browser.json("/set?user=tom")
    assert await peek.execute_command("CLIENT KILL TYPE normal SKIPME yes") >= 1  # the app's pooled connection
    assert (await browser.json("/"))["data"] == {"user": "tom"}
