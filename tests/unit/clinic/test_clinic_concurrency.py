"""No double booking, under a race and in the storage itself. The memory adapter
serialises transactions, so a race alone shows little: it also refuses to store an active
appointment unless the transaction holds the clinician's and the patient's schedules, and
never stores one over another (PostgreSQL will do it with an exclusion constraint)."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta

import pytest

from adapters.memory.clinic.appointments import InMemoryAppointmentRepository
from adapters.memory.clinic.uow import InMemoryClinicUnitOfWork
from application.clinic.dto import AppointmentView, BookAppointmentCommand
from application.clinic.use_cases.booking import BookAppointment
from application.shared.ports import LockNotHeld, ReadOnlyTransaction
from domain.clinic.appointments import Appointment
from domain.clinic.errors import SlotTaken
from domain.shared.idempotency import IdempotencyKeyInProgress
from tests.unit.clinic.clinic_helpers import ADMIN, MONDAY_6_UTC, TODAY, Clinic, berlin

TUESDAY = TODAY + timedelta(days=1)
TEN = berlin(TUESDAY, 10).astimezone(UTC)


async def test_50_bookings_of_one_slot_make_exactly_one(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    patients = [await clinic.patient(given=f"P{i}") for i in range(50)]

    results = await asyncio.gather(
        *(clinic.book(ADMIN, p.id, doctor.user_id, berlin(TUESDAY, 10)) for p in patients),
        return_exceptions=True,
    )

    booked = [r for r in results if isinstance(r, AppointmentView)]
    refused = [r for r in results if not isinstance(r, AppointmentView)]
    assert len(booked) == 1
    assert len(refused) == 49
    assert all(isinstance(r, SlotTaken) for r in refused)
    assert {r.appointment_id for r in refused if isinstance(r, SlotTaken)} == {booked[0].id}
    assert len(clinic.table("appointments")) == 1


async def test_50_retries_with_one_key_book_once(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()

    results = await asyncio.gather(
        *(clinic.book(ADMIN, ada.id, doctor.user_id, TEN, key="k") for _ in range(50)),
        return_exceptions=True,
    )

    # Each gets the one appointment (made or replayed), or "in progress" while it is made.
    answers = [r for r in results if isinstance(r, AppointmentView)]
    others = [r for r in results if not isinstance(r, AppointmentView)]
    assert {a.id for a in answers} == set(clinic.table("appointments"))
    assert all(isinstance(r, IdempotencyKeyInProgress) for r in others)
    assert len(clinic.table("appointments")) == 1


class _PatientLockForgotten(InMemoryAppointmentRepository):
    async def lock_patient(self, patient_id: str) -> None:
        """As if the use case had not asked for the patient's schedule."""


class _ForgetfulUnitOfWork(InMemoryClinicUnitOfWork):
    repositories = {
        **InMemoryClinicUnitOfWork.repositories,
        "appointments": _PatientLockForgotten,
    }


async def test_the_booking_path_takes_both_locks(clinic: Clinic) -> None:
    """BookAppointment as it is, on a repository that drops the patient lock: the memory
    adapter refuses the add. Every booking that succeeds elsewhere took both locks."""
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    book = BookAppointment(_ForgetfulUnitOfWork(clinic.store), clinic.clock)
    command = BookAppointmentCommand(
        ADMIN, ada.id, doctor.user_id, TEN, TEN + timedelta(minutes=30)
    )

    with pytest.raises(LockNotHeld):
        await book.execute(command)
    assert clinic.table("appointments") == {}


def _appointment(id: str, patient_id: str, clinician_id: str, minutes: int = 30) -> Appointment:
    end = TEN + timedelta(minutes=minutes)
    return Appointment.book(id, patient_id, clinician_id, TEN, end, "", MONDAY_6_UTC)


async def test_storing_an_appointment_requires_both_schedule_locks(clinic: Clinic) -> None:
    """What a use case that forgot its locks meets: the booking path takes both (every
    successful booking in these tests went through this check)."""
    async with InMemoryClinicUnitOfWork(clinic.store).write() as uow:
        with pytest.raises(LockNotHeld):
            await uow.appointments.add(_appointment("a-1", "p-1", "c-1"))
        await uow.appointments.lock_clinician("c-1")
        with pytest.raises(LockNotHeld):  # the patient's schedule too
            await uow.appointments.add(_appointment("a-1", "p-1", "c-1"))
        await uow.appointments.lock_patient("p-1")
        await uow.appointments.add(_appointment("a-1", "p-1", "c-1"))
        await uow.commit()

    assert list(clinic.table("appointments")) == ["a-1"]


async def test_the_storage_refuses_an_overlap_the_use_case_did_not_check(clinic: Clinic) -> None:
    async with InMemoryClinicUnitOfWork(clinic.store).write() as uow:
        for clinician, patient in [("c-1", "p-1"), ("c-2", "p-2")]:
            await uow.appointments.lock_clinician(clinician)
            await uow.appointments.lock_patient(patient)
        await uow.appointments.add(_appointment("a-1", "p-1", "c-1"))
        with pytest.raises(SlotTaken) as same_clinician:
            await uow.appointments.add(_appointment("a-2", "p-2", "c-1"))
        with pytest.raises(SlotTaken) as same_patient:
            await uow.appointments.add(_appointment("a-3", "p-1", "c-2"))
        await uow.appointments.add(_appointment("a-4", "p-2", "c-2"))

    assert same_clinician.value.appointment_id == same_patient.value.appointment_id == "a-1"
    assert clinic.table("appointments") == {}  # never committed: rolled back


async def test_an_appointment_read_without_its_lock_cannot_be_saved(clinic: Clinic) -> None:
    async with InMemoryClinicUnitOfWork(clinic.store).write() as uow:
        await uow.appointments.lock_clinician("c-1")
        await uow.appointments.lock_patient("p-1")
        await uow.appointments.add(_appointment("a-1", "p-1", "c-1"))
        await uow.commit()

    async with InMemoryClinicUnitOfWork(clinic.store).write() as uow:
        read = await uow.appointments.get("a-1")
        assert read is not None
        read.cancel(MONDAY_6_UTC)
        with pytest.raises(LockNotHeld):
            await uow.appointments.save(read)
        locked = await uow.appointments.get_for_update("a-1")
        assert locked is not None
        locked.cancel(MONDAY_6_UTC)
        await uow.appointments.save(locked)
        await uow.commit()

    assert not clinic.table("appointments")["a-1"].is_active


async def test_working_hours_are_saved_only_under_their_lock(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    async with InMemoryClinicUnitOfWork(clinic.store).write() as uow:
        hours = await uow.working_hours.get(doctor.user_id)
        assert hours is not None
        with pytest.raises(LockNotHeld):
            await uow.working_hours.save(hours)


async def test_a_read_unit_of_work_takes_no_schedule_lock(clinic: Clinic) -> None:
    async with InMemoryClinicUnitOfWork(clinic.store).read() as uow:
        with pytest.raises(ReadOnlyTransaction):
            await uow.appointments.lock_clinician("c-1")
