"""Periodic jobs: housekeeping any context registers (its container's `jobs`), which the
server runs in the background and `caseworks jobs run` runs once."""

from __future__ import annotations

from typing import Protocol


class Job(Protocol):
    async def execute(self) -> int:
        """One pass; how many things it did (orders expired, keys forgotten...). Safe to
        run beside itself in another process: each job locks what it changes."""
