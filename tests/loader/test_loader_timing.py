"""Start-up timing: ``Timing.total()`` is the end of the last recorded step, as dumped."""
from __future__ import annotations

import json

import eggfast
from eggfast.egg.lifecycle import Timing

from loader_helpers import fixture_dir


class Clock:
    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self) -> float:
        return self.ms


def test_total_is_the_end_of_the_last_step_not_now():
    timing = Timing()
    clock = timing._now = Clock()  # type: ignore[method-assign]
    assert timing.total() == 0.0
    clock.ms = 1.0
    with timing.span("outer"):
        clock.ms = 2.0
        with timing.span("inner"):
            clock.ms = 4.5
        clock.ms = 5.25
    clock.ms = 2500.0  # much later: the app loads, the server starts...
    assert timing.total() == 5.25
    assert timing.to_json()["total_ms"] == 5.25
    with timing.span("unfinished"):
        clock.ms = 3000.0
        assert timing.total() == 5.25  # a running step has no end yet


async def test_start_totals_agree_with_the_dumps(options, tmp_path):
    # fixture "agent": the agent has a server_did_ready hook, which runs after the app loaded
    app = await eggfast.start(base_dir=fixture_dir("agent"), env="unittest", port=0, **options())
    try:
        for target, name in ((app.agent, "agent_timing.json"), (app, "application_timing.json")):
            dump = json.loads((tmp_path / "run" / name).read_text())
            assert target.timing.total() == dump["total_ms"], name
            assert dump["total_ms"] == max(item["end"] for item in dump["items"])
        agent_steps = [item["name"] for item in json.loads((tmp_path / "run" / "agent_timing.json").read_text())["items"]]
        assert "server_did_ready (agent.py)" in agent_steps
    finally:
        await app.close()
