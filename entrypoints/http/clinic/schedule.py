"""Clinicians' working hours (administrators set them) and their free slots (any
signed-in caller sees them)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request

from application.clinic.dto import AvailabilityQuery, SetWorkingHoursCommand
from application.clinic.use_cases.schedule import SLOT_MINUTES_MAX, SLOT_MINUTES_MIN
from entrypoints.http.clinic.schemas import (
    AvailabilityOut,
    SlotOut,
    WorkingHoursIn,
    WorkingHoursOut,
)
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId

router = protected_router(tags=["clinic"])


@router.put("/clinicians/{clinician_id}/working-hours", responses=responses(401, 403, 404, 422))
async def set_working_hours(
    clinician_id: PathId, body: WorkingHoursIn, request: Request
) -> WorkingHoursOut:
    """Administrators: the clinician's weekly hours, replaced whole (wall-clock times in
    `time_zone`). Appointments already booked stay."""
    intervals = tuple((i.weekday, i.start, i.end) for i in body.intervals)
    command = SetWorkingHoursCommand(caller(request), clinician_id, body.time_zone, intervals)
    view = await clinic_use_cases(request).set_working_hours().execute(command)
    return WorkingHoursOut.of(view)


@router.get("/clinicians/{clinician_id}/availability", responses=responses(401, 404, 422))
async def get_availability(
    clinician_id: PathId,
    request: Request,
    day: Annotated[date, Query(alias="date", description="A day in the clinician's zone")],
    duration: Annotated[
        int,
        Query(ge=SLOT_MINUTES_MIN, le=SLOT_MINUTES_MAX, description="Minutes a slot lasts"),
    ] = 30,
) -> AvailabilityOut:
    """The free slots of the day, back to back from the start of each working interval,
    never in the past; none (and a null time_zone) for a clinician without hours."""
    query = AvailabilityQuery(caller(request), clinician_id, day, duration)
    view = await clinic_use_cases(request).get_availability().execute(query)
    slots = [SlotOut(start=start, end=end) for start, end in view.slots]
    return AvailabilityOut(
        clinician_id=view.clinician_id, date=view.day, time_zone=view.time_zone, slots=slots
    )
