"""Clinicians' working hours (set by an admin) and the free slots of a day."""

from __future__ import annotations

from datetime import timedelta

from application.clinic.dto import (
    AvailabilityQuery,
    AvailabilityView,
    SetWorkingHoursCommand,
    WorkingHoursView,
)
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import require_admin, require_clinician
from application.shared.ports import Clock
from domain.clinic.appointments import LONGEST
from domain.clinic.schedule import WorkingHours, WorkingInterval
from domain.shared.errors import InvalidInput

SLOT_MINUTES_MIN = 5
SLOT_MINUTES_MAX = int(LONGEST / timedelta(minutes=1))


class SetWorkingHours:
    """Replaces the clinician's hours whole; appointments already booked stay."""

    def __init__(self, uow: ClinicUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, cmd: SetWorkingHoursCommand) -> WorkingHoursView:
        require_admin(cmd.actor, "set working hours")
        intervals = [WorkingInterval(day, start, end) for day, start, end in cmd.intervals]
        hours = WorkingHours.of(cmd.clinician_id, cmd.time_zone, intervals)
        async with self._uow.write() as uow:
            await require_clinician(uow, cmd.clinician_id)
            await uow.working_hours.get_for_update(cmd.clinician_id)
            await uow.working_hours.save(hours)
            await uow.commit()
        return WorkingHoursView.of(hours)


class GetAvailability:
    """Any signed-in caller may see a clinician's free slots (never who took the others)."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, query: AvailabilityQuery) -> AvailabilityView:
        if not SLOT_MINUTES_MIN <= query.minutes <= SLOT_MINUTES_MAX:
            raise InvalidInput(
                f"a slot lasts {SLOT_MINUTES_MIN}-{SLOT_MINUTES_MAX} minutes", field="minutes"
            )
        async with self._uow.read() as uow:
            await require_clinician(uow, query.clinician_id)
            hours = await uow.working_hours.get(query.clinician_id)
            if hours is None:
                return AvailabilityView(query.clinician_id, query.day, None, ())
            windows = hours.windows(query.day)
            booked = []
            if windows:
                first, last = min(s for s, _ in windows), max(e for _, e in windows)
                found = await uow.appointments.active_overlapping(
                    first, last, clinician_id=query.clinician_id
                )
                booked = [(a.start, a.end) for a in found if a.start and a.end]
        duration = timedelta(minutes=query.minutes)
        slots = hours.free_slots(query.day, duration, booked, not_before=self._clock.now())
        return AvailabilityView(query.clinician_id, query.day, hours.time_zone, tuple(slots))
