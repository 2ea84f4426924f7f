"""Recording who reads or changes a clinical record, and who is refused. A success is
appended in the use case's own write transaction, so it commits with the change (or,
for a read, before the answer leaves); a refusal (not found, forbidden) in a short write
transaction of its own, after the failed one rolled back, and the error is raised on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from application.clinic.ports import ClinicUnitOfWork
from application.shared.actor import Actor
from application.shared.ids import new_id
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction, AuditEvent, AuditOutcome
from domain.shared.errors import Forbidden, NotFound


class Auditor:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def record(
        self,
        uow: ClinicUnitOfWork,
        actor: Actor,
        action: AuditAction,
        entity: tuple[str, str],
        patient_id: str | None,
        request_id: str | None,
        outcome: AuditOutcome = AuditOutcome.SUCCESS,
    ) -> None:
        """Append to `uow`, a write unit of work the caller commits."""
        entity_type, entity_id = entity
        event = AuditEvent(
            new_id(), self._clock.now(), actor.user_id, actor.role.value, action,
            entity_type, entity_id, patient_id, outcome, request_id,
        )  # fmt: skip
        await uow.audit.append(event)

    @asynccontextmanager
    async def refusals(
        self,
        actor: Actor,
        action: AuditAction,
        entity: tuple[str, str],
        patient_id: str | None,
        request_id: str | None,
    ) -> AsyncIterator[None]:
        """Record a failure event for a NotFound or Forbidden raised inside, then re-raise."""
        try:
            yield
        except (NotFound, Forbidden):
            async with self._uow.write() as uow:
                await self.record(
                    uow, actor, action, entity, patient_id, request_id, AuditOutcome.FAILURE
                )
                await uow.commit()
            raise
