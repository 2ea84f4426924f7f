"""Appointments: a user books for the patient record linked to them, staff for anyone;
FHIR's status moves."""

from __future__ import annotations

from fastapi import Request, Response, status

from application.clinic.dto import BookAppointmentCommand, ChangeAppointmentStatusCommand
from entrypoints.http.clinic.common import request_id
from entrypoints.http.clinic.schemas import AppointmentCreate, AppointmentOut, StatusChange
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.idempotency import IdempotencyKey, answer_created, created
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

router = protected_router(tags=["clinic"])


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
        request_id(),
    )
    view = await clinic_use_cases(request).book_appointment().execute(command)
    answer_created(response, f"{base_url(request)}/appointments/{view.id}", view.replayed)
    return AppointmentOut.of(view)


@router.get("/appointments/{appointment_id}", responses=responses(401, 404, 422))
async def get_appointment(appointment_id: PathId, request: Request) -> AppointmentOut:
    use_case = clinic_use_cases(request).get_appointment()
    view = await use_case.execute(caller(request), appointment_id, request_id())
    return AppointmentOut.of(view)


@router.post("/appointments/{appointment_id}/cancel", responses=responses(401, 404, 409, 422))
async def cancel_appointment(appointment_id: PathId, request: Request) -> AppointmentOut:
    """The patient's own, or any for staff; its interval is free again. (With a reason:
    `POST /appointments/{id}/status` `{"status": "cancelled", "reason": ...}`.)"""
    use_case = clinic_use_cases(request).cancel_appointment()
    view = await use_case.execute(caller(request), appointment_id, None, request_id())
    return AppointmentOut.of(view)


@router.post("/appointments/{appointment_id}/status", responses=responses(401, 403, 404, 409, 422))
async def change_appointment_status(
    appointment_id: PathId, body: StatusChange, request: Request
) -> AppointmentOut:
    """FHIR's moves (409 illegal_transition otherwise): staff move any; a user may only
    cancel their own."""
    command = ChangeAppointmentStatusCommand(
        caller(request), appointment_id, body.status, body.reason, request_id()
    )
    view = await clinic_use_cases(request).change_appointment_status().execute(command)
    return AppointmentOut.of(view)
