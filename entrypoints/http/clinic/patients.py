"""Patient records: clinicians and administrators create them; a user sees only the
record linked to them, and anything else is a 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response, status
from starlette.convertors import StringConvertor, register_url_convertor

from application.clinic.dto import ChangePatientCommand, CreatePatientCommand, PatientSearchQuery
from domain.clinic.patients import NAME_MAX
from entrypoints.http.clinic.common import Limit, Offset, request_id
from entrypoints.http.clinic.patient_schemas import PatientCreate, PatientOut, PatientPatch
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

router = protected_router(tags=["clinic"])


class _RecordId(StringConvertor):
    """Any path segment but "me": `/patients/me` (me.py) has only a GET, so a PATCH of
    it is a 405 that `Allow: GET` describes, not a change of a record called "me"."""

    regex = r"(?!me\Z)[^/]+"


register_url_convertor("record_id", _RecordId())


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


@router.get("/patients", responses=responses(401, 403, 422))
async def search_patients(
    request: Request,
    response: Response,
    q: Annotated[
        str | None,
        Query(max_length=NAME_MAX, description="Part of the given or family name, any case"),
    ] = None,
    identifier: Annotated[
        str | None, Query(max_length=64, description="The medical record number, exactly")
    ] = None,
    active: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[PatientOut]:
    """Clinicians and administrators (else 403), by family name, given name, then id.
    Audited as one query event (action `E`), naming no patient."""
    query = PatientSearchQuery(caller(request), q, identifier, active, limit, offset, request_id())
    page = await clinic_use_cases(request).search_patients().execute(query)
    set_paging_headers(request, response, page)
    return [PatientOut.of(view) for view in page.items]


@router.patch("/patients/{patient_id:record_id}", responses=responses(401, 403, 404, 409, 422))
async def change_patient(patient_id: PathId, body: PatientPatch, request: Request) -> PatientOut:
    """Only the given fields change (null clears `identifier`, `phone` or `email`).
    Clinicians and administrators; a user gets a 404, or a 403 for their own record. A
    taken `identifier` is a 409 identifier_taken."""
    command = ChangePatientCommand(
        caller(request), patient_id, **body.changes(), request_id=request_id()
    )
    view = await clinic_use_cases(request).change_patient().execute(command)
    return PatientOut.of(view)
