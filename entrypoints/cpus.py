"""How many CPUs this process may use, for the default number of hash workers.

os.cpu_count() counts the machine's CPUs. In a container limited to two CPUs of a
64-CPU host that would start 63 hash workers, each fighting for the same two CPUs (and
memory for each). What binds a process: the CPUs it may be scheduled on (its affinity,
e.g. `taskset`, `docker --cpuset-cpus`) and its cgroup v2 quota (`docker --cpus`,
Kubernetes CPU limits) in cpu.max as "<quota> <period>" or "max <period>"."""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def usable_cpus(cpu_max: Path | None = None) -> int:
    """The fewer of the CPUs this process may run on and its cgroup quota; at least 1."""
    allowed = _affinity()
    quota = cgroup_quota(CGROUP_CPU_MAX if cpu_max is None else cpu_max)
    return max(1, allowed if quota is None else min(allowed, quota))


def _affinity() -> int:
    if hasattr(os, "sched_getaffinity"):  # Linux; elsewhere the machine's count
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def cgroup_quota(cpu_max: Path) -> int | None:
    """The quota in whole CPUs (a part counts as one), or None: no limit, or no cgroup v2
    file to read (cgroup v1, another OS, an unreadable or unexpected file)."""
    try:
        quota, period = cpu_max.read_text(encoding="ascii").split()[:2]
        if quota == "max":
            return None
        cpus = int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):
        return None
    return math.ceil(cpus) if cpus > 0 else None
