"""The audit trail, for administrators. (A patient's own access log is in me.py.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request, Response

from application.clinic.dto import AuditQuery
from entrypoints.http.clinic.common import Instant, Limit, Offset, QueryId
from entrypoints.http.clinic.schemas import AuditEventOut
from entrypoints.http.clinic.use_cases import clinic_use_cases
from entrypoints.http.deps import caller
from entrypoints.http.paging import set_paging_headers
from entrypoints.http.problems import responses
from entrypoints.http.routing import protected_router

router = protected_router(tags=["clinic"])


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
