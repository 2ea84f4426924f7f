"""Appointments with FHIR R4's statuses and invariants; the status moves only by the rules
below, and an active appointment holds its interval for its clinician and its patient."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.clinic.errors import IllegalTransition, InvalidAppointment, InvalidAppointmentTime
from domain.clinic.schedule import overlaps
from domain.shared.text import CONTROL_BUT_LINE_BREAKS, trimmed

LONGEST = timedelta(hours=8)
REASON_MAX = 500


class AppointmentStatus(Enum):
    PROPOSED = "proposed"
    PENDING = "pending"
    BOOKED = "booked"
    ARRIVED = "arrived"
    CHECKED_IN = "checked-in"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    NOSHOW = "noshow"
    ENTERED_IN_ERROR = "entered-in-error"
    WAITLIST = "waitlist"


_S = AppointmentStatus
# These hold their interval: a clinician or a patient never has two of them overlapping.
ACTIVE = frozenset({_S.BOOKED, _S.ARRIVED, _S.CHECKED_IN})
# FHIR app-3: only these may lack a start and an end.
UNTIMED_ALLOWED = frozenset({_S.PROPOSED, _S.CANCELLED, _S.WAITLIST})
# FHIR app-4: a cancelation reason only on these.
WITH_CANCELATION_REASON = frozenset({_S.CANCELLED, _S.NOSHOW})
# Every legal move but entered-in-error, which any other status may take (an admin's).
TRANSITIONS: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    _S.PROPOSED: frozenset({_S.PENDING, _S.BOOKED, _S.CANCELLED}),
    _S.PENDING: frozenset({_S.BOOKED, _S.CANCELLED}),
    _S.WAITLIST: frozenset({_S.BOOKED, _S.CANCELLED}),
    _S.BOOKED: frozenset({_S.ARRIVED, _S.CHECKED_IN, _S.CANCELLED, _S.NOSHOW}),
    _S.ARRIVED: frozenset({_S.FULFILLED}),
    _S.CHECKED_IN: frozenset({_S.FULFILLED}),
    _S.FULFILLED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.NOSHOW: frozenset(),
    _S.ENTERED_IN_ERROR: frozenset(),
}


def check_interval(start: datetime, end: datetime) -> None:
    """What any booked interval is: timezone-aware, end after start, at most 8 hours."""
    if start.utcoffset() is None or end.utcoffset() is None:
        raise InvalidAppointmentTime("start and end must carry a time zone")
    if not start < end:
        raise InvalidAppointmentTime("end must be after start")
    if end - start > LONGEST:
        raise InvalidAppointmentTime(f"an appointment lasts at most {LONGEST}")


def check_not_past(start: datetime, now: datetime) -> None:
    if start < now:
        raise InvalidAppointmentTime("an appointment cannot be booked in the past")


def clean_reason(reason: str) -> str:
    cleaned = trimmed(reason, "reason")
    if len(cleaned) > REASON_MAX or CONTROL_BUT_LINE_BREAKS.search(cleaned):
        raise InvalidAppointment(f"reason must be at most {REASON_MAX} characters", field="reason")
    return cleaned


@dataclass(eq=False)
class Appointment:
    id: str
    patient_id: str
    clinician_id: str
    status: AppointmentStatus
    start: datetime | None
    end: datetime | None
    reason: str
    created_at: datetime
    updated_at: datetime
    cancelation_reason: str | None = None

    def __post_init__(self) -> None:
        self.check_invariants()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Appointment) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def book(
        cls,
        id: str,
        patient_id: str,
        clinician_id: str,
        start: datetime,
        end: datetime,
        reason: str,
        now: datetime,
    ) -> Appointment:
        check_interval(start, end)
        check_not_past(start, now)
        return cls(
            id, patient_id, clinician_id, _S.BOOKED, start, end, clean_reason(reason), now, now
        )

    def check_invariants(self) -> None:
        if (self.start is None) != (self.end is None):
            raise InvalidAppointment("start and end are both present or both absent")
        if self.start is None and self.status not in UNTIMED_ALLOWED:
            raise InvalidAppointment(f"a {self.status.value} appointment needs start and end")
        if self.start is not None and self.end is not None and not self.start < self.end:
            raise InvalidAppointmentTime("end must be after start")
        if self.cancelation_reason is not None and self.status not in WITH_CANCELATION_REASON:
            raise InvalidAppointment("a cancelation reason only on a cancelled or noshow one")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    def holds(self, start: datetime, end: datetime) -> bool:
        """Whether this appointment keeps [start, end) from being booked again."""
        if not self.is_active or self.start is None or self.end is None:
            return False
        return overlaps(self.start, self.end, start, end)

    def can_become(self, target: AppointmentStatus) -> bool:
        if target is _S.ENTERED_IN_ERROR:
            return self.status is not _S.ENTERED_IN_ERROR
        return target in TRANSITIONS[self.status]

    def move(
        self, target: AppointmentStatus, now: datetime, cancelation_reason: str | None = None
    ) -> None:
        """Take the status to `target` (IllegalTransition if no rule allows it)."""
        if not self.can_become(target):
            raise IllegalTransition(self.status.value, target.value)
        if cancelation_reason is not None:
            if target not in WITH_CANCELATION_REASON:
                raise InvalidAppointment("a cancelation reason only when cancelling or noshow")
            cancelation_reason = clean_reason(cancelation_reason) or None
        self.status = target
        self.cancelation_reason = cancelation_reason
        self.updated_at = now

    def cancel(self, now: datetime, reason: str | None = None) -> None:
        self.move(_S.CANCELLED, now, reason)

    def as_booked(self) -> Appointment:
        """The appointment as it was first recorded: what an idempotent retry answers."""
        return replace(self, status=_S.BOOKED, updated_at=self.created_at, cancelation_reason=None)
