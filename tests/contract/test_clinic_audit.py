"""The clinic's audit log behaves alike on memory, SQLite and PostgreSQL: appended in the
transaction (gone with a rollback), listed newest first with filters and paging."""

from __future__ import annotations

from datetime import timedelta

from domain.clinic.audit import AuditAction, AuditEvent, AuditFilter, AuditOutcome
from tests.contract.builders import T0
from tests.support.storage import Uows


def event(n: int, actor: str = "u-doc", patient: str | None = "p-1") -> AuditEvent:
    return AuditEvent(
        f"e-{n:02d}",
        T0 + timedelta(minutes=n),
        actor,
        "clinician",
        AuditAction.READ,
        "Patient",
        patient or "p-none",
        patient,
        AuditOutcome.SUCCESS if patient else AuditOutcome.FAILURE,
        f"req-{n}",
    )


async def append(uows: Uows, *events: AuditEvent) -> None:
    async with uows.clinic().write() as uow:
        for e in events:
            await uow.audit.append(e)
        await uow.commit()


async def test_an_event_round_trips_and_a_rollback_drops_it(uows: Uows) -> None:
    await append(uows, event(1), event(2, patient=None))
    async with uows.clinic().write() as uow:
        await uow.audit.append(event(3))  # no commit
    async with uows.clinic().read() as uow:
        page = await uow.audit.list(AuditFilter(), 10, 0)
    assert page.total == 2
    assert page.items == [event(2, patient=None), event(1)]


async def test_events_are_filtered_and_paged_newest_first(uows: Uows) -> None:
    await append(
        uows,
        *(event(n) for n in range(1, 6)),
        event(6, actor="u-ada"),
        event(7, patient="p-2"),
    )
    async with uows.clinic().read() as uow:
        by_patient = await uow.audit.list(AuditFilter(patient_id="p-1"), 2, 1)
        by_actor = await uow.audit.list(AuditFilter(actor_id="u-ada"), 10, 0)
        window = AuditFilter(since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=4))
        in_window = await uow.audit.list(window, 10, 0)
        none = await uow.audit.list(AuditFilter(patient_id="p-3"), 10, 0)
    assert by_patient.total == 6
    assert [e.id for e in by_patient.items] == ["e-05", "e-04"]
    assert [e.id for e in by_actor.items] == ["e-06"]
    assert [e.id for e in in_window.items] == ["e-03", "e-02"]
    assert (none.items, none.total) == ([], 0)
