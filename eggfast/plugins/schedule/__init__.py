"""The built-in schedule plugin: ``app/schedule/*.py`` run on timers (SPEC §12.1).

The agent owns the timers; on each tick it picks one app worker (``type:
"worker"``) or every app worker (``type: "all"``) and sends it the tick over
the messenger; the worker runs the task with an anonymous context and logs
the run to ``eggfast-schedule.log``.  See docs/schedule.md.
"""
from eggfast.plugins.schedule.core import (
    ScheduleItem,
    load_schedule_file,
    load_schedules,
    next_tick,
    parse_interval,
)

__all__ = ["ScheduleItem", "load_schedule_file", "load_schedules", "next_tick", "parse_interval"]
