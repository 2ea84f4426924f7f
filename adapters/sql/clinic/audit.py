"""The clinic's audit log in SQL: inserted in the unit of work's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.clinic import clinic_audit_events as events
from application.clinic.ports import AuditLog
from application.shared.paging import Page
from domain.clinic.audit import AuditAction, AuditEvent, AuditFilter, AuditOutcome

_INSERT = insert(events)


def _where(where: AuditFilter) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = [true()]
    if where.patient_id is not None:
        clauses.append(events.c.patient_id == where.patient_id)
    if where.actor_id is not None:
        clauses.append(events.c.actor_id == where.actor_id)
    if where.since is not None:
        clauses.append(events.c.at >= where.since)
    if where.until is not None:
        clauses.append(events.c.at < where.until)
    return and_(*clauses)


def _event(row: Any) -> AuditEvent:
    fields = dict(row._mapping)
    return AuditEvent(
        **{
            **fields,
            "action": AuditAction(fields["action"]),
            "outcome": AuditOutcome(fields["outcome"]),
        }
    )


class SqlAuditLog(AuditLog):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def append(self, event: AuditEvent) -> None:
        values = {
            **{name: getattr(event, name) for name in AuditEvent.__slots__},
            "action": event.action.value,
            "outcome": event.outcome.value,
        }
        await self._db.execute(_INSERT, values)

    async def list(self, where: AuditFilter, limit: int, offset: int) -> Page[AuditEvent]:
        condition = _where(where)
        counted = select(func.count()).select_from(events).where(condition)
        total = (await self._db.execute(counted)).scalar_one()
        rows = await self._db.execute(
            select(events)
            .where(condition)
            .order_by(events.c.at.desc(), events.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return Page([_event(row) for row in rows], total, limit, offset)
