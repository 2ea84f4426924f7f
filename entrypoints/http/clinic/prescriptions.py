"""Prescriptions (FHIR MedicationRequest): clinicians write them and move their status;
who may see the patient may see them."""

from __future__ import annotations

from fastapi import Request, Response, status

from application.clinic.dto import ChangePrescriptionStatusCommand, PrescribeCommand
from domain.clinic.prescriptions import PrescriptionStatus
from entrypoints.http.clinic.common import Limit, Offset, request_id
from entrypoints.http.clinic.schemas import (
    PrescriptionCreate,
    PrescriptionOut,
    PrescriptionStatusChange,
)
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router
from entrypoints.http.schemas import PathId
from entrypoints.http.urls import base_url

router = protected_router(tags=["clinic"])


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
