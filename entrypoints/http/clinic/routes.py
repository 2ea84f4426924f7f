"""The clinic's routes. Clinicians and administrators create patient records; a user
sees and books for the record linked to them, and anything else is a 404. Administrators
set working hours; any signed-in caller sees a clinician's free slots."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Query, Request, Response, status
from pydantic import BeforeValidator

from application.clinic.dto import (
    AuditQuery,
    AvailabilityQuery,
    BookAppointmentCommand,
    ChangeAppointmentStatusCommand,
    ChangePrescriptionStatusCommand,
    CreatePatientCommand,
    PrescribeCommand,
    SetWorkingHoursCommand,
)
from application.clinic.use_cases.schedule import SLOT_MINUTES_MAX, SLOT_MINUTES_MIN
from application.shared.ids import ID_PATTERN
from application.shared.paging import MAX_LIMIT, MAX_OFFSET
from domain.clinic.prescriptions import PrescriptionStatus
from entrypoints.http.clinic.schemas import (
    AppointmentCreate,
    AppointmentOut,
    AuditEventOut,
    AvailabilityOut,
    PatientCreate,
    PatientOut,
    PrescriptionCreate,
    PrescriptionOut,
    PrescriptionStatusChange,
    SlotOut,
    StatusChange,
    WorkingHoursIn,
    WorkingHoursOut,
)
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.idempotency import IdempotencyKey, answer_created, created
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url
from entrypoints.logging_setup import request_id_var

router = protected_router(tags=["clinic"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _iso_instant(value: object) -> object:
    """ISO 8601 only: pydantic would also take a number as a Unix time."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)  # ValueError: a 422
    raise ValueError("an ISO 8601 date-time with a UTC offset")


Instant = Annotated[datetime | None, BeforeValidator(_iso_instant)]
QueryId = Annotated[str | None, Query(json_schema_extra={"pattern": ID_PATTERN})]


def request_id() -> str | None:
    """This request's id (X-Request-ID), set by RequestContextMiddleware: audit events
    carry it, so a log line and an audit event of one request can be matched."""
    return request_id_var.get()


@router.post(
    "/patients",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 409, 422),
)
async def create_patient(body: PatientCreate, request: Request, response: Response) -> PatientOut:
    """Clinicians and administrators (else 403). A taken `identifier` is a 409
    identifier_taken; a user already linked to a record, 409 patient_already_linked."""
    command = CreatePatientCommand(caller(request), **body.model_dump(), request_id=request_id())
    view = await clinic_use_cases(request).create_patient().execute(command)
    response.headers["Location"] = f"{base_url(request)}/patients/{view.id}"
    return PatientOut.of(view)


# Before /patients/{patient_id}: "me" is a well-formed id, and the first match wins.
@router.get("/patients/me", responses=responses(401, 404, 422))
async def get_own_patient(request: Request) -> PatientOut:
    """The record linked to the caller; 404 patient_not_found for anyone linked to none."""
    view = await clinic_use_cases(request).get_own_patient().execute(caller(request), request_id())
    return PatientOut.of(view)


@router.get("/patients/me/appointments", responses=responses(401, 404, 422))
async def list_own_appointments(
    request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[AppointmentOut]:
    """The caller's own record's appointments, newest booked first (else 404)."""
    use_case = clinic_use_cases(request).list_own_appointments()
    page = await use_case.execute(caller(request), limit, offset, request_id())
    set_paging_headers(request, response, page)
    return [AppointmentOut.of(view) for view in page.items]


@router.get("/patients/me/prescriptions", responses=responses(401, 404, 422))
async def list_own_prescriptions(
    request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[PrescriptionOut]:
    """The caller's own record's prescriptions, newest first (else 404)."""
    use_case = clinic_use_cases(request).list_own_prescriptions()
    page = await use_case.execute(caller(request), limit, offset, request_id())
    set_paging_headers(request, response, page)
    return [PrescriptionOut.of(view) for view in page.items]


@router.get("/patients/{patient_id}", responses=responses(401, 404, 422))
async def get_patient(patient_id: PathId, request: Request) -> PatientOut:
    use_case = clinic_use_cases(request).get_patient()
    view = await use_case.execute(caller(request), patient_id, request_id())
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


@router.get("/patients/me/access-log", responses=responses(401, 404, 422))
async def get_own_access_log(
    request: Request, response: Response, limit: Limit = 50, offset: Offset = 0
) -> list[AuditEventOut]:
    """Who read or changed the caller's own patient record, and who was refused, newest
    first; 404 patient_not_found for a caller linked to no record."""
    use_case = clinic_use_cases(request).get_own_access_log()
    page = await use_case.execute(caller(request), limit, offset, request_id())
    set_paging_headers(request, response, page)
    return [AuditEventOut.of(event) for event in page.items]


@router.get("/audit", responses=responses(401, 403, 422))
async def list_audit_events(
    request: Request,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
    patient_id: QueryId = None,
    actor_id: QueryId = None,
    since: Annotated[
        Instant, Query(alias="from", description="Inclusive, with a UTC offset")
    ] = None,
    until: Annotated[Instant, Query(alias="to", description="Exclusive, with a UTC offset")] = None,
) -> list[AuditEventOut]:
    """Administrators (else 403): every read and change of a patient record, appointment
    or prescription, and every refused attempt, newest first."""
    query = AuditQuery(caller(request), limit, offset, patient_id, actor_id, since, until)
    page = await clinic_use_cases(request).list_audit_events().execute(query)
    set_paging_headers(request, response, page)
    return [AuditEventOut.of(event) for event in page.items]


@router.post(
    "/prescriptions",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 404, 422),
)
async def prescribe(
    body: PrescriptionCreate, request: Request, response: Response
) -> PrescriptionOut:
    """Clinicians only (else 403); the requester is the caller. Starts `active` (or
    `draft`); an unknown patient is a 404 patient_not_found."""
    command = PrescribeCommand(
        caller(request),
        body.patient_id,
        body.medication,
        body.dosage_instruction,
        body.quantity,
        body.refills,
        body.valid_until,
        body.medication_code,
        body.medication_system,
        PrescriptionStatus(body.status),
        request_id(),
    )
    view = await clinic_use_cases(request).prescribe().execute(command)
    response.headers["Location"] = f"{base_url(request)}/prescriptions/{view.id}"
    return PrescriptionOut.of(view)


@router.get("/prescriptions/{prescription_id}", responses=responses(401, 404, 422))
async def get_prescription(prescription_id: PathId, request: Request) -> PrescriptionOut:
    """Staff: any; a user: those of the record linked to them; otherwise 404."""
    use_case = clinic_use_cases(request).get_prescription()
    return PrescriptionOut.of(
        await use_case.execute(caller(request), prescription_id, request_id())
    )


@router.get("/patients/{patient_id}/prescriptions", responses=responses(401, 404, 422))
async def list_patient_prescriptions(
    patient_id: PathId,
    request: Request,
    response: Response,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[PrescriptionOut]:
    """Newest first; who may see the patient may see them (else 404)."""
    use_case = clinic_use_cases(request).list_patient_prescriptions()
    page = await use_case.execute(caller(request), patient_id, limit, offset, request_id())
    set_paging_headers(request, response, page)
    return [PrescriptionOut.of(view) for view in page.items]


@router.post(
    "/prescriptions/{prescription_id}/status", responses=responses(401, 403, 404, 409, 422)
)
async def change_prescription_status(
    prescription_id: PathId, body: PrescriptionStatusChange, request: Request
) -> PrescriptionOut:
    """Clinicians only (403 for anyone else who may see it); FHIR's moves, any other is a
    409 illegal_transition."""
    command = ChangePrescriptionStatusCommand(
        caller(request), prescription_id, body.status, request_id()
    )
    view = await clinic_use_cases(request).change_prescription_status().execute(command)
    return PrescriptionOut.of(view)


routers = (router,)
