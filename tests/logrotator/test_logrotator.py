"""logrotator in one process: by day, by hour, by size, custom loggers, reopen, clean-up."""
from __future__ import annotations

import asyncio
import socket
from datetime import datetime
from pathlib import Path

import eggfast
from eggfast.plugins.logrotator import LogRotator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_app(tmp_path: Path, logrotator: dict) -> Path:
    base = tmp_path / "app"
    (base / "config").mkdir(parents=True)
    (base / "config" / "config.default.py").write_text(
        "config = {'keys': 'k', 'logger': {'dir': %r, 'console': False}, 'logrotator': %r,\n"
        "          'custom_logger': {'schedule_logger': {'file': 'eggfast-schedule.log'},\n"
        "                            'audit_logger': {'file': 'audit.log'}}}\n" % (str(tmp_path / "logs"), logrotator))
    return base


def flush(app) -> None:
    for handler in app.loggers.handlers.values():
        handler.flush()


async def test_rotate_by_day_hour_and_size_and_reopen(tmp_path):
    logs = tmp_path / "logs"
    base = make_app(tmp_path, {"files_rotate_by_hour": ["audit.log"], "files_rotate_by_size": ["eggfast-web.log"],
                               "max_file_size": 10, "max_files": 2})
    app = await eggfast.start(base_dir=base, env="unittest", port=_free_port())
    try:
        assert {"rotate_by_file", "rotate_by_hour", "rotate_by_size", "clean_log"} <= {
            i.name for i in app.schedule.items.values()}
        audit = app.get_logger("audit_logger")
        app.logger.info("before day")
        audit.info("before hour")
        app.core_logger.info("before size")
        app.agent.logger.info("agent before")
        flush(app)
        flush(app.agent)
        now = datetime(2026, 3, 2, 0, 0, 0).timestamp()
        rotator = LogRotator.of(app)
        day = await rotator.rotate("day", now=now)
        web = logs / "app-web.log"
        assert (web, logs / "app-web.log.2026-03-01") in day
        # the agent's log and the schedule log rotate by day too; audit.log and eggfast-web.log do not
        assert {p.name for p, _ in day} >= {"app-web.log", "eggfast-agent.log"}
        assert "audit.log" not in {p.name for p, _ in day} and "eggfast-web.log" not in {p.name for p, _ in day}
        hour = await rotator.rotate("hour", now=datetime(2026, 3, 2, 15, 0, 0).timestamp())
        assert hour == [(logs / "audit.log", logs / "audit.log.2026-03-02-14")]
        size = await rotator.rotate("size")
        assert size == [(logs / "eggfast-web.log", logs / "eggfast-web.log.1")]
        # a second day rotation for the same day never overwrites the first
        app.logger.info("after day")
        audit.info("after hour")
        app.core_logger.info("after size")
        await asyncio.sleep(0.05)  # the reload message reaches the agent on a later loop turn
        app.agent.logger.info("agent after")
        flush(app)
        flush(app.agent)
        again = await rotator.rotate("day", now=now)
        assert (web, logs / "app-web.log.2026-03-01.1") in again
        flush(app)
    finally:
        await app.close()
    assert "before day" in (logs / "app-web.log.2026-03-01").read_text()
    assert "after day" in (logs / "app-web.log.2026-03-01.1").read_text()
    assert "before hour" in (logs / "audit.log.2026-03-02-14").read_text()
    assert "after hour" in (logs / "audit.log").read_text()
    assert "before size" in (logs / "eggfast-web.log.1").read_text()
    assert "after size" in (logs / "eggfast-web.log").read_text()
    assert "agent before" in (logs / "eggfast-agent.log.2026-03-01").read_text()
    assert "agent after" in (logs / "eggfast-agent.log.2026-03-01.1").read_text()


async def test_size_keeps_max_files_and_clean_deletes_old_days(tmp_path):
    logs = tmp_path / "logs"
    base = make_app(tmp_path, {"files_rotate_by_size": ["audit.log"], "max_file_size": 5, "max_files": 2,
                               "max_days": 3})
    app = await eggfast.start(base_dir=base, env="unittest")
    try:
        audit = app.get_logger("audit_logger")
        rotator = LogRotator.of(app)
        for n in range(4):
            audit.info("generation %d", n)
            flush(app)
            await rotator.rotate("size")
        assert sorted(p.name for p in logs.glob("audit.log*")) == ["audit.log", "audit.log.1", "audit.log.2"]
        assert "generation 3" in (logs / "audit.log.1").read_text()
        assert "generation 2" in (logs / "audit.log.2").read_text()
        for day in ("2026-03-01", "2026-02-25", "2026-02-20"):
            (logs / f"app-web.log.{day}").write_text("old\n")
        (logs / "app-web.log.keep-me").write_text("not dated\n")
        removed = await rotator.clean(now=datetime(2026, 3, 2, 0, 1).timestamp())
        assert sorted(p.name for p in removed) == ["app-web.log.2026-02-20", "app-web.log.2026-02-25"]
        assert (logs / "app-web.log.2026-03-01").exists() and (logs / "app-web.log.keep-me").exists()
    finally:
        await app.close()
