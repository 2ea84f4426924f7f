"""Builders for the clinic's contract suites: entities made straight from the domain
model, and a clinic seeded through the real use cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from application.clinic.dto import (
    AppointmentView,
    BookAppointmentCommand,
    CreatePatientCommand,
    SetWorkingHoursCommand,
)
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.booking import BookAppointment
from application.clinic.use_cases.patients import CreatePatient
from application.clinic.use_cases.schedule import SetWorkingHours
from application.shared.actor import Actor
from domain.clinic.appointments import Appointment
from domain.clinic.patients import Gender, HumanName, Patient
from domain.shared.roles import Role
from tests.contract.builders import T0, add_users, new_user
from tests.support.clock import ManualClock
from tests.support.storage import Uows

ADMIN = Actor("u-admin", Role.ADMIN, "s-admin")
CLINICIAN = Actor("u-drhouse", Role.CLINICIAN, "s-drhouse")
# Monday 2 March 2026, 06:00 UTC; working hours 09:00-17:00 UTC Monday to Friday.
MONDAY = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def new_patient(
    patient_id: str, identifier: str | None = None, user_id: str | None = None
) -> Patient:
    return Patient.register(
        patient_id,
        HumanName.of("Ada", "Lovelace"),
        date(1990, 12, 10),
        Gender.FEMALE,
        T0,
        identifier=identifier,
        phone="+44 20 7946 0000",
        email="ada@example.org",
        user_id=user_id,
    )


def new_appointment(
    appointment_id: str,
    patient_id: str,
    clinician_id: str = CLINICIAN.user_id,
    start: datetime = T0 + timedelta(days=1),
    minutes: int = 30,
) -> Appointment:
    end = start + timedelta(minutes=minutes)
    return Appointment.book(appointment_id, patient_id, clinician_id, start, end, "checkup", T0)


async def add_patients(uows: Uows, *patients: Patient) -> None:
    async with uows.clinic().write() as uow:
        for patient in patients:
            await uow.patients.add(patient)
        await uow.commit()


async def seed_clinic(uows: Uows, clock: ManualClock, patients: int = 1) -> list[str]:
    """A clinician working 09:00-17:00 UTC on weekdays and `patients` patients: their ids."""
    await add_users(uows, new_user("drhouse", role=Role.CLINICIAN))
    hours = tuple((day, time(9), time(17)) for day in range(5))
    command = SetWorkingHoursCommand(ADMIN, CLINICIAN.user_id, "UTC", hours)
    await SetWorkingHours(uows.clinic()).execute(command)
    ids = []
    for n in range(patients):
        create = CreatePatientCommand(
            ADMIN, "Ada", f"Lovelace {n}", date(1990, 1, 1), Gender.FEMALE
        )
        ids.append((await CreatePatient(uows.clinic(), clock).execute(create)).id)
    return ids


async def book(
    uow: ClinicUnitOfWork,
    clock: ManualClock,
    patient_id: str,
    start: datetime,
    minutes: int = 30,
    key: str | None = None,
) -> AppointmentView:
    end = start + timedelta(minutes=minutes)
    command = BookAppointmentCommand(
        ADMIN, patient_id, CLINICIAN.user_id, start, end, "", idempotency_key=key
    )
    return await BookAppointment(uow, clock).execute(command)
