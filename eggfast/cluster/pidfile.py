"""Pid files of ``eggfast start`` masters: ``<base_dir>/run/<title>.pid``."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

__all__ = ["pid_path", "write_pid", "read_pid", "remove_pid", "alive", "default_title"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def default_title(base_dir: Path) -> str:
    """``eggfast-server-<app name>`` (Egg's ``egg-server-<pkg.name>``)."""
    name = Path(base_dir).resolve().name
    try:
        from eggfast.loader.app_info import AppInfo

        name = AppInfo.from_base_dir(base_dir, "prod").name or name
    except Exception:  # the title only needs a name; a broken app fails later with its own error
        pass
    return f"eggfast-server-{name}"


def pid_path(base_dir: Path, title: str) -> Path:
    """Where the master with ``title`` writes its pid."""
    return Path(base_dir).resolve() / "run" / f"{_UNSAFE.sub('_', title)}.pid"


def write_pid(path: Path, pid: Optional[int] = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".pid.tmp")
    tmp.write_text(f"{os.getpid() if pid is None else pid}\n")
    tmp.replace(path)


def read_pid(path: Path) -> Optional[int]:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def remove_pid(path: Path, pid: Optional[int] = None) -> None:
    """Remove ``path`` if it still holds ``pid`` (this process by default)."""
    if read_pid(path) == (os.getpid() if pid is None else pid):
        try:
            path.unlink()
        except OSError:
            pass


def alive(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
