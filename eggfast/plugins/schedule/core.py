"""Schedule files: loading, validation and tick times.

A schedule file is ``app/schedule/<name>.py`` in the app, a plugin or a
framework, in one of two shapes::

    schedule = {"interval": "10s", "type": "worker"}     # or "cron": "0 */5 * * * *"

    async def task(ctx):
        ...

or a :class:`eggfast.Subscription` subclass with a class attribute
``schedule`` and ``async def subscribe(self)``.  Anything else (no
``task``, a bad interval or cron, an unknown type or key, a syntax error) is
a :class:`~eggfast.errors.ConfigError` naming the file, raised at start-up.

Ticks are wall-clock aligned: an interval of ``I`` seconds ticks at every
multiple of ``I`` since the Unix epoch (so every machine running the app
ticks at the same moments, which the Redis lock relies on); a cron
expression ticks when it matches, in ``cron_options["tz"]`` (default: the
local zone).
"""
from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from eggfast.errors import ConfigError


def one_line(text: Any) -> str:
    """Collapse an error text to one line."""
    return " ".join(str(text).split())

__all__ = ["ScheduleItem", "parse_interval", "load_schedule_file", "load_schedules", "next_tick", "TYPES"]

#: the schedule types: one worker per tick, or every worker
TYPES = ("worker", "all")
_KEYS = frozenset({"interval", "cron", "type", "immediate", "disable", "env", "cron_options"})
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.IGNORECASE)


def parse_interval(value: Any) -> float:
    """Seconds of an interval: a number of seconds, or ``"500ms"``, ``"10s"``, ``"5m"``, ``"2h"``, ``"1d"``.

    >>> parse_interval("1.5s"), parse_interval(10), parse_interval("2m")
    (1.5, 10.0, 120.0)
    """
    if isinstance(value, bool):
        raise ValueError(f"interval must be seconds or a string such as '10s', not {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        match = _INTERVAL_RE.match(value)
        if not match:
            raise ValueError(f"interval {value!r} is not a duration such as '500ms', '10s', '5m', '2h' or '1d'")
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    else:
        raise ValueError(f"interval must be seconds or a string such as '10s', not {value!r}")
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"interval must be positive, not {value!r}")
    return seconds


def _cron_fields(expr: str) -> tuple[str, bool]:
    """``(expression, second_at_beginning)``: Egg's 6-field form has the seconds first."""
    fields = expr.split()
    if len(fields) == 6:
        return " ".join(fields), True
    if len(fields) == 5:
        return " ".join(fields), False
    raise ValueError(f"cron {expr!r} must have 5 fields (minute hour day month weekday) "
                     f"or 6 (second minute hour day month weekday)")


def _zone(name: Any) -> Optional[tzinfo]:
    if name is None:
        return None
    if not isinstance(name, str):
        raise ValueError(f"cron_options.tz must be a zone name such as 'Asia/Shanghai', not {name!r}")
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"cron_options.tz {name!r} is not a known time zone") from None


@dataclass
class ScheduleItem:
    """One schedule: where it came from, when it ticks, and what it runs."""

    #: the name ``app.run_schedule`` takes: the file's path under ``app/schedule`` without ``.py``
    name: str
    #: the schedule file
    path: Path
    type: str
    interval: Optional[float] = None
    cron: Optional[str] = None
    tz: Optional[tzinfo] = None
    immediate: bool = False
    disable: bool = False
    env: Optional[list] = None
    #: ``async def task(ctx)`` (function style) ...
    task: Optional[Callable[..., Any]] = None
    #: ... or the Subscription subclass (class style)
    subscription: Optional[type] = None
    options: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The identity sent between agent and workers: the file path."""
        return str(self.path)

    def enabled_in(self, env: str) -> bool:
        """Whether this schedule runs in ``env`` (``disable`` off, ``env`` unset or listing it)."""
        return not self.disable and (self.env is None or env in self.env)

    def next_tick(self, after: float) -> Optional[float]:
        """The first tick time (Unix seconds) strictly after ``after``; None for an immediate-only schedule."""
        return next_tick(self, after)

    async def run(self, ctx: Any, *args: Any) -> Any:
        """Run the task once with ``ctx``."""
        if self.subscription is not None:
            instance = self.subscription(ctx)
            return await instance.subscribe(*args)
        assert self.task is not None
        return await self.task(ctx, *args)


def next_tick(item: ScheduleItem, after: float) -> Optional[float]:
    """The first tick time (Unix seconds) of ``item`` strictly after ``after`` (Unix seconds).

    Interval ticks are the multiples of the interval since the epoch; cron
    ticks are the matches of the expression in the item's zone.

    >>> item = ScheduleItem("x", Path("x.py"), "worker", interval=10.0)
    >>> next_tick(item, 1005.0), next_tick(item, 1010.0)
    (1010.0, 1020.0)
    """
    if item.interval is not None:
        n = math.floor(after / item.interval) + 1
        tick = n * item.interval
        if tick <= after:  # float rounding
            tick += item.interval
        return tick
    if item.cron is not None:
        from croniter import croniter

        expr, seconds_first = _cron_fields(item.cron)
        zone = item.tz
        start = datetime.fromtimestamp(after, tz=zone or timezone.utc)
        if zone is None:
            start = datetime.fromtimestamp(after).astimezone()  # the local zone
        it = croniter(expr, start, second_at_beginning=seconds_first)
        nxt = it.get_next(datetime)
        return nxt.timestamp()
    return None


def _validate(path: Path, options: Any) -> dict:
    if not isinstance(options, dict):
        raise ConfigError(f"{path}: 'schedule' must be a dict such as {{'interval': '10s', 'type': 'worker'}}, "
                          f"not {type(options).__name__}")
    unknown = sorted(set(options) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown schedule key(s) {', '.join(map(repr, unknown))}; "
                          f"known: {', '.join(sorted(_KEYS))}")
    out: dict[str, Any] = {}
    kind = options.get("type", "worker")
    if kind not in TYPES:
        raise ConfigError(f"{path}: schedule type {kind!r} is unknown; use 'worker' (one worker per tick) "
                          f"or 'all' (every worker)")
    out["type"] = kind
    interval, cron = options.get("interval"), options.get("cron")
    if interval is not None and cron is not None:
        raise ConfigError(f"{path}: schedule has both 'interval' and 'cron'; give one")
    if interval is None and cron is None and not options.get("immediate"):
        raise ConfigError(f"{path}: schedule needs 'interval' or 'cron' (or 'immediate': True)")
    if interval is not None:
        try:
            out["interval"] = parse_interval(interval)
        except ValueError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    cron_options = options.get("cron_options") or {}
    if not isinstance(cron_options, dict):
        raise ConfigError(f"{path}: cron_options must be a dict such as {{'tz': 'Asia/Shanghai'}}")
    try:
        out["tz"] = _zone(cron_options.get("tz"))
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if cron is not None:
        if not isinstance(cron, str):
            raise ConfigError(f"{path}: cron must be a string such as '0 */5 * * * *', not {cron!r}")
        from croniter import croniter

        try:
            expr, seconds_first = _cron_fields(cron)
            croniter(expr, datetime.now(), second_at_beginning=seconds_first).get_next(datetime)
        except Exception as exc:
            raise ConfigError(f"{path}: bad cron {cron!r}: {one_line(exc)}") from None
        out["cron"] = cron
    env = options.get("env")
    if env is not None:
        if isinstance(env, str):
            env = [env]
        if not isinstance(env, (list, tuple)) or not all(isinstance(e, str) for e in env):
            raise ConfigError(f"{path}: schedule env must be a list of env names such as ['prod'], not {env!r}")
        out["env"] = list(env)
    out["immediate"] = bool(options.get("immediate", False))
    out["disable"] = bool(options.get("disable", False))
    return out


def load_schedule_file(path: Path, name: str, app: Any = None) -> ScheduleItem:
    """Load and validate one schedule file; a :class:`ConfigError` naming it when it is wrong.

    ``schedule`` may also be a function of the app (or agent) returning the dict, for
    schedules that depend on config: ``def schedule(app): return {"interval": ...}``.
    """
    from eggfast.egg.base_context_class import Subscription
    from eggfast.loader.file_loader import load_module

    path = Path(path)
    module = load_module(path)
    subscriptions = [v for v in vars(module).values()
                     if inspect.isclass(v) and issubclass(v, Subscription) and v is not Subscription
                     and v.__module__ == module.__name__]
    task = getattr(module, "task", None)
    if subscriptions:
        if len(subscriptions) > 1:
            raise ConfigError(f"{path}: defines {len(subscriptions)} Subscription classes; one file holds one schedule")
        cls = subscriptions[0]
        options = getattr(cls, "schedule", None)
        if options is None:
            raise ConfigError(f"{path}: {cls.__name__} needs a class attribute 'schedule' (a dict)")
        if not inspect.iscoroutinefunction(getattr(cls, "subscribe", None)):
            raise ConfigError(f"{path}: {cls.__name__} needs 'async def subscribe(self)'")
        return ScheduleItem(name=name, path=path, subscription=cls, options=dict(options),
                            **_validate(path, options))
    options = getattr(module, "schedule", None)
    if callable(options) and not isinstance(options, dict):
        try:
            options = options(app)
        except Exception as exc:
            raise ConfigError(f"{path}: schedule(app) raised {type(exc).__name__}: {one_line(exc)}") from exc
    if options is None:
        raise ConfigError(f"{path}: missing 'schedule' (a dict such as {{'interval': '10s'}}) "
                          f"and 'async def task(ctx)', or a Subscription subclass")
    if task is None:
        raise ConfigError(f"{path}: missing 'async def task(ctx)'")
    if not inspect.iscoroutinefunction(task):
        raise ConfigError(f"{path}: 'task' must be 'async def task(ctx)'")
    return ScheduleItem(name=name, path=path, task=task, options=dict(options), **_validate(path, options))


def _files(directory: Path) -> Iterable[tuple[str, Path]]:
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*.py")):
        rel = path.relative_to(directory)
        if any(part.startswith(("_", ".")) for part in rel.parts):
            continue
        yield rel.with_suffix("").as_posix(), path


def load_schedules(directories: Iterable[Path], app: Any = None) -> dict[str, ScheduleItem]:
    """Every schedule under ``directories`` (in order), keyed by :attr:`ScheduleItem.key`."""
    items: dict[str, ScheduleItem] = {}
    for directory in directories:
        for name, path in _files(Path(directory)):
            item = load_schedule_file(path, name, app)
            items[item.key] = item
    return items


def schedule_directories(app: Any) -> list[Path]:
    """``app/schedule`` of every load unit (plugins, frameworks, the app), then ``config.schedule.directory``."""
    dirs = [unit.path / "app" / "schedule" for unit in app.loader.get_load_units()]
    extra = (app.config.get("schedule") or {}).get("directory") or []
    if isinstance(extra, (str, Path)):
        extra = [extra]
    base = Path(app.loader.base_dir)
    dirs += [(base / d) if not Path(d).is_absolute() else Path(d) for d in extra]
    return dirs
