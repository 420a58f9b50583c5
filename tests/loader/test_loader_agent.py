"""Agent, single-process start and the messenger API (SPEC §13)."""
from __future__ import annotations

import asyncio

import pytest

import eggfast
from loader_helpers import fixture_dir
from eggfast import Agent
from eggfast.egg.messenger import MessageHub, Messenger


async def settle():
    for _ in range(5):
        await asyncio.sleep(0)


async def test_start_links_agent_and_app_and_messages_flow(options):
    app = await eggfast.start(base_dir=fixture_dir("agent"), env="unittest", port=0, **options())
    agent = app.agent
    try:
        assert agent.application is app and isinstance(agent, Agent)
        assert agent.hello() == "agent of agent"  # extend/agent.py
        assert "server_did_ready" in agent.seen
        await settle()
        assert ("egg-ready", {"port": app.server.port}) in agent.seen
        app.messenger.send_to_agent("ping", {"n": 1})
        await settle()
        assert ("ping", {"n": 1}) in agent.seen and ("pong", {"n": 2}) in app.got
        agent.messenger.broadcast("all", 1)
        agent.messenger.send_random("all", 2)
        agent.messenger.send_to(app.messenger.pid, "all", 3)
        await settle()
        assert [d for k, d in app.got if k == "all"] == [1, 2, 3]
    finally:
        await app.close()
    assert app.closed_order == ["app", "agent"]
    assert app.server._closing


async def test_start_failure_closes_the_agent(options):
    with pytest.raises(eggfast.ConfigError, match="app.controller.home.nope not exists"):
        await eggfast.start(base_dir=fixture_dir("router-bad-handler"), env="unittest", **options())


def test_messenger_without_loop_delivers_at_once():
    hub = MessageHub()
    agent, app = Messenger("agent", hub), Messenger("app", hub)
    seen = []
    agent.once("x", seen.append)
    app.send_to_agent("x", 1)
    app.send_to_agent("x", 2)
    assert seen == [1]
    app.on("y", seen.append)
    app.send_to_app("y", 3)  # an app worker receives its own send_to_app
    assert seen == [1, 3]
    with pytest.raises(TypeError):
        app.send_to_agent("", None)


async def test_messenger_delivers_later_and_runs_async_listeners():
    hub = MessageHub()
    agent, app = Messenger("agent", hub), Messenger("app", hub)
    seen = []

    async def listener(data):
        seen.append(data)

    agent.on("x", listener)
    app.send_to_agent("x", "later")
    assert seen == []
    await settle()
    assert seen == ["later"]
    await agent.close()
    app.send_to_agent("x", "gone")
    await settle()
    assert seen == ["later"]
