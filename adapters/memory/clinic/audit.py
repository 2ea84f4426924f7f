"""The clinic's audit log on the in-memory store: a list, appended in the transaction."""

from __future__ import annotations

from adapters.memory.store import Journal, MemoryStore, put
from application.clinic.ports import AuditLog
from application.shared.paging import Page
from domain.clinic.audit import AuditEvent, AuditFilter


class InMemoryAuditLog(AuditLog):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._events: dict[str, AuditEvent] = store.of("clinic").table("audit_events")
        self._journal = journal

    async def append(self, event: AuditEvent) -> None:
        self._journal.check_writable()
        put(self._journal, self._events, event.id, event)  # frozen: stored as it is

    async def list(self, where: AuditFilter, limit: int, offset: int) -> Page[AuditEvent]:
        found = [e for e in self._events.values() if _matches(e, where)]
        found.sort(key=lambda e: e.id, reverse=True)
        found.sort(key=lambda e: e.at, reverse=True)
        return Page(found[offset : offset + limit], len(found), limit, offset)


def _matches(event: AuditEvent, where: AuditFilter) -> bool:
    return (
        (where.patient_id is None or event.patient_id == where.patient_id)
        and (where.actor_id is None or event.actor_id == where.actor_id)
        and (where.since is None or event.at >= where.since)
        and (where.until is None or event.at < where.until)
    )
