"""Patient records: clinicians and administrators create them; a user sees only the
record linked to them, and anything else is a 404."""

from __future__ import annotations

from fastapi import Request, Response, status

from application.clinic.dto import CreatePatientCommand
from entrypoints.http.clinic.common import request_id
from entrypoints.http.clinic.schemas import PatientCreate, PatientOut
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
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
    command = CreatePatientCommand(caller(request), **body.model_dump(), request_id=request_id())
    view = await clinic_use_cases(request).create_patient().execute(command)
    response.headers["Location"] = f"{base_url(request)}/patients/{view.id}"
    return PatientOut.of(view)


@router.get("/patients/{patient_id}", responses=responses(401, 404, 422))
async def get_patient(patient_id: PathId, request: Request) -> PatientOut:
    use_case = clinic_use_cases(request).get_patient()
    view = await use_case.execute(caller(request), patient_id, request_id())
    return PatientOut.of(view)
