from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.shared.ports import Clock


class ManualClock(Clock):
    """A clock the test moves by hand, so expiry and windows are tested without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
