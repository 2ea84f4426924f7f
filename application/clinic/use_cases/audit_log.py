"""Reading the audit log: administrators see all of it, filtered; a user linked to a
patient record sees who accessed that record (anyone else: not found)."""

from __future__ import annotations

from application.clinic.dto import AuditQuery
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import own_patient, require_admin
from application.clinic.use_cases.audit import Auditor
from application.clinic.use_cases.me import ME
from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction, AuditEvent, AuditFilter
from domain.clinic.errors import InvalidAuditQuery


class ListAuditEvents:
    def __init__(self, uow: ClinicUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: AuditQuery) -> Page[AuditEvent]:
        require_admin(query.actor, "read the audit log")
        check_page(query.limit, query.offset)
        for name, value in (("patient id", query.patient_id), ("actor id", query.actor_id)):
            if value is not None:
                check_id(value, name)
        for instant in (query.since, query.until):
            if instant is not None and instant.utcoffset() is None:
                raise InvalidAuditQuery("from and to need a UTC offset")
        if query.since and query.until and query.since > query.until:
            raise InvalidAuditQuery("from must not be after to")
        where = AuditFilter(query.patient_id, query.actor_id, query.since, query.until)
        async with self._uow.read() as uow:
            return await uow.audit.list(where, query.limit, query.offset)


class GetOwnAccessLog:
    """A refusal (linked to no record) is audited as the other `/patients/me` reads are;
    a success is not, or each look at the log would add to it."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, limit: int = 50, offset: int = 0, request_id: str | None = None
    ) -> Page[AuditEvent]:
        check_page(limit, offset)
        async with (
            self._audit.refusals(actor, AuditAction.READ, ("Patient", ME), None, request_id),
            self._uow.read() as uow,
        ):
            patient = await own_patient(uow, actor)
            return await uow.audit.list(AuditFilter(patient_id=patient.id), limit, offset)
