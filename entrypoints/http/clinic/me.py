"""The caller's own patient record (`/patients/me`): a caller linked to no record gets a
404 patient_not_found. Its router joins the app before patients.py's: "me" is a
well-formed id, and the first match wins."""

from __future__ import annotations

from fastapi import Request, Response

from entrypoints.http.clinic.common import Limit, Offset, request_id
from entrypoints.http.clinic.patient_schemas import PatientOut
from entrypoints.http.clinic.schemas import (
    AppointmentOut,
    AuditEventOut,
    PrescriptionOut,
)
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router

router = protected_router(tags=["clinic"])


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
