"""The clinic's repositories behave alike on memory, SQLite and PostgreSQL: patients with
unique identifiers and user links, working hours replaced whole, appointments that never
overlap an active one of their clinician or patient, and the clinician directory."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from domain.clinic.appointments import LONGEST, AppointmentStatus
from domain.clinic.errors import IdentifierTaken, PatientAlreadyLinked, SlotTaken
from domain.clinic.schedule import WorkingHours, WorkingInterval
from domain.shared.roles import Role
from tests.contract.builders import T0, add_users, at, new_user
from tests.contract.clinic_builders import CLINICIAN, add_patients, new_appointment, new_patient
from tests.support.storage import Uows

DAY = T0 + timedelta(days=1)


async def test_a_patient_round_trips(uows: Uows) -> None:
    patient = new_patient("p-1", identifier="MRN-1", user_id="u-ada")
    await add_patients(uows, patient)
    async with uows.clinic().read() as uow:
        loaded = await uow.patients.get("p-1")
        linked = await uow.patients.get_by_user("u-ada")
        assert await uow.patients.get("p-none") is None
        assert await uow.patients.get_by_user("u-none") is None
    assert loaded is not None
    assert linked is not None
    assert vars(loaded) == vars(patient) == vars(linked)


async def test_identifiers_and_user_links_are_unique_when_set(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1", identifier="MRN-1", user_id="u-ada"))
    await add_patients(uows, new_patient("p-2"), new_patient("p-3"))  # neither: no clash
    async with uows.clinic().write() as uow:
        with pytest.raises(IdentifierTaken):
            await uow.patients.add(new_patient("p-4", identifier="MRN-1"))
        with pytest.raises(PatientAlreadyLinked):
            await uow.patients.add(new_patient("p-5", user_id="u-ada"))
        await uow.patients.add(new_patient("p-6", identifier="MRN-6"))  # goes on after both
        await uow.commit()
    async with uows.clinic().read() as uow:
        assert await uow.patients.get("p-6") is not None
        assert await uow.patients.get("p-4") is None


async def test_working_hours_are_replaced_whole(uows: Uows) -> None:
    first = WorkingHours.of("u-doc", "Europe/Berlin", [WorkingInterval(0, time(9), time(17))])
    second = WorkingHours.of(
        "u-doc",
        "America/New_York",
        [WorkingInterval(2, time(13, 30), time(18)), WorkingInterval(1, time(8), time(12))],
    )
    for hours in (first, second):
        async with uows.clinic().write() as uow:
            await uow.working_hours.get_for_update("u-doc")
            await uow.working_hours.save(hours)
            await uow.commit()
    async with uows.clinic().read() as uow:
        assert await uow.working_hours.get("u-doc") == second
        assert await uow.working_hours.get("u-other") is None


async def test_the_directory_knows_clinicians_by_role(uows: Uows) -> None:
    await add_users(uows, new_user("drhouse", role=Role.CLINICIAN), new_user("alice"))
    async with uows.clinic().read() as uow:
        assert await uow.clinicians.is_clinician(CLINICIAN.user_id)
        assert not await uow.clinicians.is_clinician("u-alice")
        assert not await uow.clinicians.is_clinician("u-nobody")


async def _book(uows: Uows, *appointments: object) -> None:
    async with uows.clinic().write() as uow:
        for appointment in appointments:
            await uow.appointments.lock_clinician(appointment.clinician_id)  # type: ignore[attr-defined]
            await uow.appointments.lock_patient(appointment.patient_id)  # type: ignore[attr-defined]
            await uow.appointments.add(appointment)  # type: ignore[arg-type]
        await uow.commit()


async def test_an_appointment_round_trips_and_saves(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"))
    appointment = new_appointment("a-1", "p-1", start=DAY)
    await _book(uows, appointment)
    async with uows.clinic().write() as uow:
        loaded = await uow.appointments.get_for_update("a-1")
        assert loaded is not None
        assert vars(loaded) == vars(appointment)
        loaded.cancel(at(5), "patient asked")
        await uow.appointments.save(loaded)
        await uow.commit()
    async with uows.clinic().read() as uow:
        saved = await uow.appointments.get("a-1")
        assert await uow.appointments.get("a-none") is None
    assert saved is not None
    assert vars(saved) == vars(loaded)
    assert saved.status is AppointmentStatus.CANCELLED


async def test_an_overlapping_active_appointment_is_refused_naming_the_other(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"))
    await _book(uows, new_appointment("a-1", "p-1", start=DAY))
    clashes = (
        new_appointment("a-2", "p-2", start=DAY + timedelta(minutes=15)),  # same clinician
        new_appointment("a-3", "p-1", "u-other", start=DAY - timedelta(minutes=15)),  # patient
    )
    for n, clash in enumerate(clashes, start=1):
        async with uows.clinic().write() as uow:
            await uow.appointments.lock_clinician(clash.clinician_id)
            await uow.appointments.lock_patient(clash.patient_id)
            with pytest.raises(SlotTaken) as refused:
                await uow.appointments.add(clash)
            assert refused.value.appointment_id == "a-1"
            # The transaction goes on (PostgreSQL too): back to back is no overlap.
            next_one = new_appointment(f"a-next-{n}", "p-2", start=DAY + timedelta(minutes=30 * n))
            await uow.appointments.lock_clinician(next_one.clinician_id)
            await uow.appointments.lock_patient(next_one.patient_id)
            await uow.appointments.add(next_one)
            await uow.commit()
    async with uows.clinic().read() as uow:
        assert await uow.appointments.get("a-2") is None
        assert await uow.appointments.get("a-next-2") is not None


async def test_overlaps_are_found_for_active_appointments_only(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"))
    await _book(
        uows,
        new_appointment("a-1", "p-1", start=DAY),
        new_appointment("a-2", "p-2", start=DAY + timedelta(minutes=30)),
    )
    async with uows.clinic().write() as uow:
        cancelled = await uow.appointments.get_for_update("a-1")
        assert cancelled is not None
        cancelled.cancel(at(1))
        await uow.appointments.save(cancelled)
        await uow.commit()
    async with uows.clinic().read() as uow:
        repository = uow.appointments
        whole_hour = (DAY, DAY + timedelta(hours=1))
        by_clinician = await repository.active_overlapping(
            *whole_hour, clinician_id=CLINICIAN.user_id
        )
        assert [a.id for a in by_clinician] == ["a-2"]
        assert await repository.active_overlapping(*whole_hour, patient_id="p-1") == []
        after = (DAY + timedelta(hours=1), DAY + timedelta(hours=2))
        assert await repository.active_overlapping(*after, patient_id="p-2") == []


async def test_the_longest_appointment_is_found_from_its_last_minute(uows: Uows) -> None:
    """The storage may bound its search by the longest appointment (LONGEST): one of
    exactly that length still overlaps an interval in its last minute."""
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"))
    longest = int(LONGEST / timedelta(minutes=1))
    await _book(uows, new_appointment("a-long", "p-1", start=DAY, minutes=longest))
    last_minute = DAY + LONGEST - timedelta(minutes=1)
    async with uows.clinic().write() as uow:
        repository = uow.appointments
        found = await repository.active_overlapping(
            last_minute, last_minute + timedelta(hours=1), clinician_id=CLINICIAN.user_id
        )
        late = new_appointment("a-late", "p-2", start=last_minute)
        clash = await repository.earliest_overlapping(late)
        await repository.lock_schedules(late.clinician_id, late.patient_id)
        with pytest.raises(SlotTaken) as refused:
            await repository.add(late)
    assert [a.id for a in found] == ["a-long"]
    assert clash is not None
    assert clash.id == refused.value.appointment_id == "a-long"


async def test_the_earliest_overlap_of_either_schedule_is_named(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"), new_patient("p-3"))
    other_clinician = "u-other-doc"
    await _book(
        uows,
        new_appointment("a-patients", "p-1", clinician_id=other_clinician, start=DAY),
        new_appointment("a-clinicians", "p-2", start=DAY + timedelta(minutes=20)),
    )
    wanted = new_appointment("a-new", "p-1", start=DAY + timedelta(minutes=10), minutes=30)
    free = new_appointment("a-free", "p-3", start=DAY + timedelta(minutes=50))
    async with uows.clinic().read() as uow:
        earliest = await uow.appointments.earliest_overlapping(wanted)
        none = await uow.appointments.earliest_overlapping(free)
        itself = await uow.appointments.get("a-patients")
        assert itself is not None
        not_itself = await uow.appointments.earliest_overlapping(itself)
    assert earliest is not None
    assert earliest.id == "a-patients"
    assert none is None
    assert not_itself is None


async def test_a_patients_appointments_are_paged_newest_first(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"))
    booked = [new_appointment(f"a-{n}", "p-1", start=DAY + timedelta(hours=n)) for n in range(1, 4)]
    booked.append(new_appointment("a-9", "p-2", start=DAY + timedelta(hours=9)))
    async with uows.clinic().write() as uow:
        for appointment in booked:
            await uow.appointments.lock_clinician(appointment.clinician_id)
            await uow.appointments.lock_patient(appointment.patient_id)
            await uow.appointments.add(appointment)
        await uow.commit()
    async with uows.clinic().read() as uow:
        page = await uow.appointments.list_for_patient("p-1", 2, 1)
        none = await uow.appointments.list_for_patient("p-3", 5, 0)
    assert ([a.id for a in page.items], page.total) == (["a-2", "a-1"], 3)
    assert (none.items, none.total) == ([], 0)
