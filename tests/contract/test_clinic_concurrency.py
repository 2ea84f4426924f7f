"""No double booking under races, through the real use cases on memory, SQLite and
PostgreSQL, and across several containers (server processes) on one SQLite file and one
PostgreSQL database: of 50 bookings of one slot exactly one wins, and every other is
SlotTaken naming it. PostgreSQL's exclusion constraint holds even for a writer that
skips the schedule locks, and becomes SlotTaken without aborting the transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import timedelta

import pytest

from application.clinic.dto import AppointmentView
from application.clinic.ports import ClinicUnitOfWork
from domain.clinic.errors import SlotTaken
from entrypoints.container import Container, close_resources
from tests.contract.clinic_builders import (
    MONDAY,
    add_patients,
    book,
    new_appointment,
    new_patient,
    seed_clinic,
)
from tests.contract.conftest import OpenProcesses
from tests.support.clock import ManualClock
from tests.support.storage import Uows, storage_container, truncate_postgres

ClinicUows = Callable[[], ClinicUnitOfWork]
TEN = MONDAY + timedelta(hours=4)  # Monday 10:00 UTC, within working hours
RACERS = 50
LATER = TEN + timedelta(days=7)  # after the builders' T0, their "now"
PROCESSES = 4


@pytest.fixture
def monday() -> ManualClock:
    return ManualClock(MONDAY)


async def _race(
    uows: Sequence[ClinicUows],
    clock: ManualClock,
    patients: Sequence[str],
    starts: Sequence[tuple[int, int]],
) -> tuple[list[AppointmentView], list[SlotTaken]]:
    """RACERS bookings spread over `uows`, the i-th for patients[i % len] at
    starts[i % len] = (minutes after 10:00, length in minutes)."""

    async def one(i: int) -> AppointmentView:
        offset, minutes = starts[i % len(starts)]
        start = TEN + timedelta(minutes=offset)
        return await book(uows[i % len(uows)](), clock, patients[i % len(patients)], start, minutes)

    results = await asyncio.gather(*(one(i) for i in range(RACERS)), return_exceptions=True)
    booked = [r for r in results if isinstance(r, AppointmentView)]
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) + len(refused) == RACERS, [
        r for r in results if isinstance(r, Exception) and not isinstance(r, SlotTaken)
    ]
    return booked, refused


def _one_winner(booked: list[AppointmentView], refused: list[SlotTaken]) -> None:
    assert len(booked) == 1
    assert {error.appointment_id for error in refused} == {booked[0].id}


async def test_50_bookings_of_one_slot_book_one(uows: Uows, monday: ManualClock) -> None:
    patients = await seed_clinic(uows, monday, patients=5)
    _one_winner(*await _race([uows.clinic], monday, patients, [(0, 30)]))


async def test_50_bookings_of_overlapping_intervals_book_one(
    uows: Uows, monday: ManualClock
) -> None:
    patients = await seed_clinic(uows, monday, patients=5)
    # Every pair of these intervals overlaps: at most one can hold.
    starts = [(0, 30), (10, 30), (20, 15), (-10, 20), (5, 60)]
    _one_winner(*await _race([uows.clinic], monday, patients, starts))


async def test_one_patient_with_two_clinicians_overlapping_is_refused(
    uows: Uows, monday: ManualClock
) -> None:
    """The patient's schedule holds too: the same patient racing for the slot of one
    clinician is refused after its first booking as well."""
    patients = await seed_clinic(uows, monday, patients=1)
    _one_winner(*await _race([uows.clinic], monday, patients, [(0, 30), (15, 30)]))


async def test_back_to_back_bookings_both_succeed(uows: Uows, monday: ManualClock) -> None:
    patients = await seed_clinic(uows, monday, patients=2)
    first, second = await asyncio.gather(
        book(uows.clinic(), monday, patients[0], TEN),
        book(uows.clinic(), monday, patients[1], TEN + timedelta(minutes=30)),
    )
    assert first.id != second.id


@pytest.fixture
async def processes(open_processes: OpenProcesses) -> AsyncIterator[list[Container]]:
    """One container per server process, all on one database."""
    async with open_processes(PROCESSES, pool_size=5) as containers:  # 4 pools of 5
        yield containers


async def test_50_bookings_across_processes_book_one(
    processes: list[Container], monday: ManualClock
) -> None:
    patients = await seed_clinic(Uows.of(processes[0]), monday, patients=5)
    uows = [Uows.of(container).clinic for container in processes]
    _one_winner(*await _race(uows, monday, patients, [(0, 30), (10, 30)]))


async def test_postgres_refuses_an_unlocked_overlap_without_aborting(
    postgres_database: str, monday: ManualClock
) -> None:
    """A writer that skips the locks does not see an uncommitted booking: the exclusion
    constraint waits for it, refuses, and the repository names it as SlotTaken; the
    transaction goes on to commit what else it did."""
    container = storage_container("postgres", postgres_database)
    try:
        await truncate_postgres(container.engine())
        uows = Uows.of(container)
        await seed_clinic(uows, monday, patients=0)
        await add_patients(uows, new_patient("p-1"), new_patient("p-2"), new_patient("p-3"))
        first = new_appointment("a-1", "p-1", start=LATER)
        async with uows.clinic().write() as winner, uows.clinic().write() as loser:
            await winner.appointments.add(first)

            async def commit_soon() -> None:
                await asyncio.sleep(0.2)
                await winner.commit()

            committing = asyncio.create_task(commit_soon())
            with pytest.raises(SlotTaken) as refused:
                await loser.appointments.add(
                    new_appointment("a-2", "p-2", start=LATER + timedelta(minutes=10))
                )
            await committing
            assert refused.value.appointment_id == "a-1"
            later = new_appointment("a-3", "p-3", start=LATER + timedelta(minutes=30))
            await loser.appointments.add(later)
            await loser.commit()
        async with uows.clinic().read() as uow:
            assert await uow.appointments.get("a-3") is not None
            assert await uow.appointments.get("a-2") is None
    finally:
        await close_resources(container)
