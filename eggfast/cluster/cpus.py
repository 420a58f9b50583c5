"""How many app workers by default: the CPUs this process may actually use.

``os.cpu_count()`` is the host's count; in a container limited to 2 CPUs on
a 64-core host that forks 64 workers and gets OOM-killed.  So: the affinity
mask, capped by the cgroup CPU quota (v2 ``cpu.max``, v1
``cpu.cfs_quota_us / cpu.cfs_period_us``), rounded up, at least 1.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Optional

__all__ = ["workers_count", "cgroup_cpu_limit"]


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> Optional[float]:
    """The cgroup CPU quota in CPUs (``1.5`` for 150 ms per 100 ms), or None when unlimited/unknown."""
    text = _read(root / "cpu.max")
    if text:
        parts = text.split()
        if len(parts) == 2 and parts[0] != "max":
            try:
                quota, period = int(parts[0]), int(parts[1])
            except ValueError:
                return None
            return quota / period if quota > 0 and period > 0 else None
        return None
    for v1 in (root / "cpu", root / "cpu,cpuacct", root):
        quota_text, period_text = _read(v1 / "cpu.cfs_quota_us"), _read(v1 / "cpu.cfs_period_us")
        if quota_text and period_text:
            try:
                quota, period = int(quota_text), int(period_text)
            except ValueError:
                return None
            return quota / period if quota > 0 and period > 0 else None
    return None


def workers_count(root: Path = Path("/sys/fs/cgroup")) -> int:
    """CPUs in this process's affinity mask, capped by the cgroup quota (rounded up), at least 1."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit(root)
    if limit is not None:
        cpus = min(cpus, math.ceil(limit))
    return max(1, cpus)
