"""Clinicians' working hours: weekday intervals of wall-clock time in an IANA time zone.
Every comparison is made on absolute (UTC) instants, so a day on which the clocks change
has as many slots as it has real hours."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

from domain.clinic.errors import InvalidWorkingHours, UnknownTimeZone

INTERVALS_MAX = 50
Interval = tuple[datetime, datetime]


@cache
def _known_zones() -> frozenset[str]:
    # Scans the tz database once; a system's own aliases are not IANA keys.
    return frozenset(available_timezones()) - {"localtime", "posixrules"}


def zone_of(name: str) -> ZoneInfo:
    """An IANA zone by its key ("Europe/Berlin"); not a file path or a system alias
    such as "localtime", which ZoneInfo itself would open."""
    if name not in _known_zones():
        raise UnknownTimeZone(f"{name!r} is not an IANA time zone", time_zone=name)
    return ZoneInfo(name)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: one ending when the other starts does not overlap it."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True, slots=True)
class WorkingInterval:
    """From `start` to `end` (wall-clock, same day, start < end) every `weekday` (0 Monday)."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidWorkingHours("weekday must be 0 (Monday) to 6 (Sunday)")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidWorkingHours("working hours are wall-clock times, without an offset")
        if not self.start < self.end:
            raise InvalidWorkingHours("a working interval ends after it starts, the same day")


@dataclass(frozen=True, slots=True)
class WorkingHours:
    clinician_id: str
    time_zone: str
    intervals: tuple[WorkingInterval, ...]

    @classmethod
    def of(
        cls, clinician_id: str, time_zone: str, intervals: Iterable[WorkingInterval]
    ) -> WorkingHours:
        zone_of(time_zone)
        ordered = tuple(sorted(intervals, key=lambda i: (i.weekday, i.start)))
        if len(ordered) > INTERVALS_MAX:
            raise InvalidWorkingHours(f"at most {INTERVALS_MAX} working intervals")
        for before, after in pairwise(ordered):
            if before.weekday == after.weekday and after.start < before.end:
                raise InvalidWorkingHours("working intervals of one day must not overlap")
        return cls(clinician_id, time_zone, ordered)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def windows(self, day: date) -> list[Interval]:
        """The working intervals of the local `day`, as UTC instants. A wall-clock time the
        clocks skip is read with the offset before the change (fold=0)."""
        zone = self.zone
        return [
            (_instant(day, i.start, zone), _instant(day, i.end, zone))
            for i in self.intervals
            if i.weekday == day.weekday()
        ]

    def covers(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) lies within one working interval."""
        day = start.astimezone(self.zone).date()
        return any(s <= start and end <= e for s, e in self.windows(day))

    def free_slots(
        self,
        day: date,
        duration: timedelta,
        booked: Sequence[Interval],
        not_before: datetime | None = None,
    ) -> list[Interval]:
        """Back-to-back slots of `duration` from the start of each working interval of the
        local `day`, without those overlapping a booked interval or starting before
        `not_before`."""
        if duration <= timedelta(0):
            raise ValueError("a slot lasts some time")
        slots = []
        for window_start, window_end in self.windows(day):
            start = window_start
            while start + duration <= window_end:
                end = start + duration
                taken = any(overlaps(start, end, b, e) for b, e in booked)
                if not taken and (not_before is None or start >= not_before):
                    slots.append((start, end))
                start = end
        return slots


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
