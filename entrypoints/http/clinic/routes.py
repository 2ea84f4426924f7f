"""The clinic's routes. Clinicians and administrators create patient records; a user
sees and books for the record linked to them, and anything else is a 404. Administrators
set working hours; any signed-in caller sees a clinician's free slots."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response, status

from application.clinic.dto import (
    AvailabilityQuery,
    BookAppointmentCommand,
    ChangeAppointmentStatusCommand,
    CreatePatientCommand,
    SetWorkingHoursCommand,
)
from application.clinic.use_cases.schedule import SLOT_MINUTES_MAX, SLOT_MINUTES_MIN
from entrypoints.http.clinic.schemas import (
    AppointmentCreate,
    AppointmentOut,
    AvailabilityOut,
    PatientCreate,
    PatientOut,
    SlotOut,
    StatusChange,
    WorkingHoursIn,
    WorkingHoursOut,
)
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.idempotency import IdempotencyKey, answer_created, created
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

router = protected_router(tags=["clinic"])


@router.post(
    "/patients",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 409, 422),
)
async def create_patient(body: PatientCreate, request: Request, response: Response) -> PatientOut:
    """Clinicians and administrators (else 403). A taken `identifier` is a 409
    identifier_taken; a user already linked to a record, 409 patient_already_linked."""
    command = CreatePatientCommand(caller(request), **body.model_dump())
    view = await clinic_use_cases(request).create_patient().execute(command)
    response.headers["Location"] = f"{base_url(request)}/patients/{view.id}"
    return PatientOut.of(view)


@router.get("/patients/{patient_id}", responses=responses(401, 404, 422))
async def get_patient(patient_id: PathId, request: Request) -> PatientOut:
    view = await clinic_use_cases(request).get_patient().execute(caller(request), patient_id)
    return PatientOut.of(view)


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


@router.post(
    "/appointments",
    status_code=status.HTTP_201_CREATED,
    responses=created("appointment") | responses(401, 404, 409, 422),
)
async def book_appointment(
    body: AppointmentCreate,
    request: Request,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> AppointmentOut:
    """Within the clinician's working hours (409 outside_working_hours), never over an
    active appointment of the clinician or the patient (409 slot_taken, naming it as
    `appointment_id`). A user books only for the patient record linked to them."""
    command = BookAppointmentCommand(
        caller(request),
        body.patient_id,
        body.clinician_id,
        body.start,
        body.end,
        body.reason,
        idempotency_key,
    )
    view = await clinic_use_cases(request).book_appointment().execute(command)
    answer_created(response, f"{base_url(request)}/appointments/{view.id}", view.replayed)
    return AppointmentOut.of(view)


@router.get("/appointments/{appointment_id}", responses=responses(401, 404, 422))
async def get_appointment(appointment_id: PathId, request: Request) -> AppointmentOut:
    use_case = clinic_use_cases(request).get_appointment()
    return AppointmentOut.of(await use_case.execute(caller(request), appointment_id))


@router.post("/appointments/{appointment_id}/cancel", responses=responses(401, 404, 409, 422))
async def cancel_appointment(appointment_id: PathId, request: Request) -> AppointmentOut:
    """The patient's own, or any for staff; its interval is free again. (With a reason:
    `POST /appointments/{id}/status` `{"status": "cancelled", "reason": ...}`.)"""
    use_case = clinic_use_cases(request).cancel_appointment()
    return AppointmentOut.of(await use_case.execute(caller(request), appointment_id))


@router.post("/appointments/{appointment_id}/status", responses=responses(401, 403, 404, 409, 422))
async def change_appointment_status(
    appointment_id: PathId, body: StatusChange, request: Request
) -> AppointmentOut:
    """FHIR's moves (409 illegal_transition otherwise): staff move any; a user may only
    cancel their own."""
    command = ChangeAppointmentStatusCommand(
        caller(request), appointment_id, body.status, body.reason
    )
    view = await clinic_use_cases(request).change_appointment_status().execute(command)
    return AppointmentOut.of(view)


routers = (router,)
