"""Schedule files: parsing, validation (start-up errors naming the file), tick times."""
from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest

from eggfast.errors import ConfigError
from eggfast.plugins.schedule.core import ScheduleItem, load_schedule_file, next_tick, parse_interval


def test_parse_interval():
    assert parse_interval(10) == 10.0
    assert parse_interval(0.5) == 0.5
    assert parse_interval("500ms") == 0.5
    assert parse_interval("10s") == 10.0
    assert parse_interval("5m") == 300.0
    assert parse_interval("2h") == 7200.0
    assert parse_interval("1d") == 86400.0
    for bad in ("", "10x", "-1s", 0, -2, True, None, "s"):
        with pytest.raises(ValueError):
            parse_interval(bad)


def test_interval_ticks_are_epoch_aligned():
    item = ScheduleItem("x", Path("x.py"), "worker", interval=10.0)
    assert next_tick(item, 1005.0) == 1010.0
    assert next_tick(item, 1010.0) == 1020.0
    item = ScheduleItem("x", Path("x.py"), "worker", interval=0.25)
    assert next_tick(item, 100.1) == pytest.approx(100.25)


def test_cron_six_fields_seconds_first_and_five_fields_and_tz():
    from zoneinfo import ZoneInfo

    base = datetime(2026, 1, 1, 0, 0, 1, tzinfo=timezone.utc).timestamp()
    six = ScheduleItem("x", Path("x.py"), "worker", cron="*/5 * * * * *", tz=timezone.utc)
    assert next_tick(six, base) == base + 4
    five = ScheduleItem("x", Path("x.py"), "worker", cron="*/2 * * * *", tz=timezone.utc)
    assert next_tick(five, base) == base + 119
    # 08:00 every day in Shanghai is 00:00 UTC
    sh = ScheduleItem("x", Path("x.py"), "worker", cron="0 0 8 * * *", tz=ZoneInfo("Asia/Shanghai"))
    assert datetime.fromtimestamp(next_tick(sh, base), timezone.utc) == datetime(2026, 1, 2, 0, 0, 0, tzinfo=timezone.utc)


def _write(tmp_path: Path, body: str, name: str = "job.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_function_and_class_styles(tmp_path):
    item = load_schedule_file(_write(tmp_path, """
        schedule = {"interval": "2s", "type": "all", "immediate": True, "env": ["prod"]}
        async def task(ctx):
            return 1
    """), "job")
    assert (item.type, item.interval, item.immediate, item.env) == ("all", 2.0, True, ["prod"])
    assert item.enabled_in("prod") and not item.enabled_in("local")
    item = load_schedule_file(_write(tmp_path, """
        from eggfast import Subscription
        class Job(Subscription):
            schedule = {"cron": "0 0 * * *", "disable": True, "cron_options": {"tz": "Europe/Paris"}}
            async def subscribe(self):
                return self.ctx
    """, "cls.py"), "cls")
    assert item.subscription is not None and item.cron == "0 0 * * *" and item.disable
    assert not item.enabled_in("local")


@pytest.mark.parametrize("body, message", [
    ("schedule = {'interval': '1s'}\n", "missing 'async def task(ctx)'"),
    ("async def task(ctx): pass\n", "missing 'schedule'"),
    ("schedule = {'interval': '1s'}\ndef task(ctx): pass\n", "must be 'async def task(ctx)'"),
    ("schedule = {'cron': '99 * * * *'}\nasync def task(ctx): pass\n", "bad cron"),
    ("schedule = {'cron': '* * *'}\nasync def task(ctx): pass\n", "must have 5 fields"),
    ("schedule = {'interval': '1s', 'type': 'some'}\nasync def task(ctx): pass\n", "schedule type 'some' is unknown"),
    ("schedule = {'interval': 'soon'}\nasync def task(ctx): pass\n", "is not a duration"),
    ("schedule = {'type': 'all'}\nasync def task(ctx): pass\n", "needs 'interval' or 'cron'"),
    ("schedule = {'interval': 1, 'cron': '* * * * *'}\nasync def task(ctx): pass\n", "both"),
    ("schedule = {'interval': 1, 'intervall': 2}\nasync def task(ctx): pass\n", "unknown schedule key"),
    ("schedule = {'cron': '* * * * *', 'cron_options': {'tz': 'Mars/Base'}}\nasync def task(ctx): pass\n",
     "not a known time zone"),
    ("schedule = {'interval': 1\nasync def task(ctx): pass\n", "syntax error"),
])
def test_bad_schedule_files_name_the_file(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_schedule_file(path, "job")
    assert str(path) in str(info.value) and message in str(info.value)


def test_bad_schedule_file_stops_app_start_up(tmp_path):
    from eggfast import Application

    (tmp_path / "app" / "schedule").mkdir(parents=True)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.default.py").write_text("config = {'keys': 'k'}\n")
    bad = tmp_path / "app" / "schedule" / "broken.py"
    bad.write_text("schedule = {'interval': '1s'\n")
    with pytest.raises(ConfigError) as info:
        Application(base_dir=tmp_path, env="unittest")
    assert str(bad) in str(info.value)
