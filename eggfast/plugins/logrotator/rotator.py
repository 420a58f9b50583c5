"""Log rotation (Egg's egg-logrotator), run by the schedules in ``app/schedule/``.

The files are every file of ``app.loggers`` (the built-in ones, common-error
and every ``custom_logger``) plus the agent's log file.  Each one is rotated
one way:

* by hour when its name or path is in ``config.logrotator.files_rotate_by_hour``:
  ``<file>.YYYY-MM-DD-HH`` (the hour that ended), every hour;
* by size when it is in ``files_rotate_by_size``: ``<file>.1`` … ``<file>.<max_files>``
  (``.1`` newest) once it reaches ``max_file_size`` bytes, checked every
  ``rotate_duration`` seconds;
* else by day: ``<file>.YYYY-MM-DD`` (the day that ended), at midnight.

A rotation renames the files (one worker does it: the schedules are
``type: "worker"``), then broadcasts ``eggfast-log-reload`` so every app
worker and the agent reopen their files.  A process writes through its open
file until it reopens, so a line written during a rotation lands in the
renamed file or in the new one: none is lost.  ``clean()`` deletes rotated
files older than ``max_days`` days.
"""
from __future__ import annotations

import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Optional

__all__ = ["LogRotator", "RELOAD"]

#: the messenger action that makes every process reopen its log files
RELOAD = "eggfast-log-reload"
_DATED = re.compile(r"\.(\d{4}-\d{2}-\d{2})(?:\D.*)?$")


class LogRotator:
    """Rotates the log files of one app (``LogRotator.of(app)`` is cached on the app)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.options: dict = dict(app.config.get("logrotator") or {})
        self.logger = app.get_logger("schedule_logger") if hasattr(app, "get_logger") else app.logger

    @classmethod
    def of(cls, app: Any) -> "LogRotator":
        """The app's rotator."""
        rotator = getattr(app, "_logrotator", None)
        if rotator is None:
            rotator = cls(app)
            app._logrotator = rotator
        return rotator

    # -- which file goes where -------------------------------------------------------
    def files(self) -> list[Path]:
        """Every log file of the app and the agent."""
        from eggfast.logger import resolve_log_dir

        loggers = getattr(self.app, "loggers", None)
        out = list(loggers.files()) if loggers is not None and hasattr(loggers, "files") else []
        agent_name = ((self.app.config.get("logger") or {}).get("agent_log_name")) or "eggfast-agent.log"
        agent_file = Path(agent_name)
        if not agent_file.is_absolute():
            agent_file = resolve_log_dir(self.app) / agent_file
        out.append(agent_file)
        seen: dict[str, Path] = {}
        for path in out:
            seen.setdefault(str(Path(path).resolve()), Path(path))
        return list(seen.values())

    def _listed(self, key: str, path: Path) -> bool:
        names = self.options.get(key) or []
        if isinstance(names, str):
            names = [names]
        return any(str(path) == str(n) or path.name == str(n) or str(path.resolve()) == str(n) for n in names)

    def kind_of(self, path: Path) -> str:
        """``"hour"``, ``"size"`` or ``"day"``."""
        if self._listed("files_rotate_by_hour", path):
            return "hour"
        if self._listed("files_rotate_by_size", path):
            return "size"
        return "day"

    # -- rotation ----------------------------------------------------------------
    async def rotate(self, kind: str, now: Optional[float] = None) -> list[tuple[Path, Path]]:
        """Rotate every file of ``kind``; reopen every process's files; return ``[(file, rotated), ...]``."""
        if kind not in ("day", "hour", "size"):
            raise ValueError(f"kind must be 'day', 'hour' or 'size', not {kind!r}")
        moment = datetime.fromtimestamp(time.time() if now is None else now)
        done: list[tuple[Path, Path]] = []
        for path in self.files():
            if self.kind_of(path) != kind or not path.is_file() or path.stat().st_size == 0:
                continue
            try:
                if kind == "size":
                    target = self._rotate_size(path)
                else:
                    target = self._rotate_dated(path, kind, moment)
            except OSError as exc:
                self.logger.error("[eggfast:logrotator] cannot rotate %s: %s", path, exc)
                continue
            if target is not None:
                done.append((path, target))
                self.logger.info("[eggfast:logrotator] %s rotated to %s", path, target)
        if done:
            self.reload_everywhere()
        return done

    def _rotate_dated(self, path: Path, kind: str, moment: datetime) -> Path:
        # the period that just ended: yesterday at midnight, the previous hour on the hour
        if kind == "day":
            stamp = (moment - timedelta(days=1)).strftime("%Y-%m-%d")
        else:
            delimiter = str(self.options.get("hour_delimiter", "-"))
            stamp = (moment - timedelta(hours=1)).strftime(f"%Y-%m-%d{delimiter}%H")
        target = path.with_name(f"{path.name}.{stamp}")
        n = 1
        while target.exists():  # never overwrite an earlier rotation
            target = path.with_name(f"{path.name}.{stamp}.{n}")
            n += 1
        os.rename(path, target)
        return target

    def _rotate_size(self, path: Path) -> Optional[Path]:
        limit = int(self.options.get("max_file_size") or 50 * 1024 * 1024)
        if path.stat().st_size < limit:
            return None
        keep = max(int(self.options.get("max_files") or 10), 1)
        oldest = path.with_name(f"{path.name}.{keep}")
        if oldest.exists():
            oldest.unlink()
        for n in range(keep - 1, 0, -1):
            src = path.with_name(f"{path.name}.{n}")
            if src.exists():
                os.rename(src, path.with_name(f"{path.name}.{n + 1}"))
        target = path.with_name(f"{path.name}.1")
        os.rename(path, target)
        return target

    def reload_everywhere(self) -> None:
        """Reopen the log files here at once, and in every other process via the messenger."""
        loggers = getattr(self.app, "loggers", None)
        if loggers is not None and hasattr(loggers, "reload"):
            loggers.reload()
        messenger = getattr(self.app, "messenger", None)
        if messenger is not None:
            messenger.broadcast(RELOAD, {"pid": os.getpid()})

    # -- clean-up ----------------------------------------------------------------
    async def clean(self, now: Optional[float] = None) -> list[Path]:
        """Delete rotated files (``<file>.YYYY-MM-DD…``) older than ``max_days`` days; return them."""
        days = int(self.options.get("max_days") or 0)
        if days <= 0:
            return []
        today = datetime.fromtimestamp(time.time() if now is None else now).date()
        cutoff = today - timedelta(days=days)
        removed: list[Path] = []
        for path in self.files():
            directory = path.parent
            if not directory.is_dir():
                continue
            for candidate in directory.glob(f"{path.name}.*"):
                match = _DATED.match(candidate.name[len(path.name):])
                if not match:
                    continue
                try:
                    day = datetime.strptime(match.group(1), "%Y-%m-%d").date()
                except ValueError:
                    continue
                if day < cutoff:
                    try:
                        candidate.unlink()
                        removed.append(candidate)
                    except OSError as exc:
                        self.logger.error("[eggfast:logrotator] cannot delete %s: %s", candidate, exc)
        for path in removed:
            self.logger.info("[eggfast:logrotator] deleted %s (older than %d days)", path, days)
        return removed
