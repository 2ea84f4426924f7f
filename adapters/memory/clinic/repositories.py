"""The clinic's repositories on the in-memory store. The store's lock already serialises
transactions; "for update" marks the rows the transaction holds, and only those may be
saved (adapters/memory/store.py). No double booking is this storage's rule as well: an
active appointment is stored only while its clinician's and its patient's schedules are
held, and never over another active one (PostgreSQL: an exclusion constraint)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.memory.store import Journal, MemoryStore, clone, put
from application.clinic.ports import (
    AppointmentRepository,
    ClinicianDirectory,
    PatientRepository,
    WorkingHoursRepository,
)
from domain.clinic.appointments import Appointment
from domain.clinic.errors import IdentifierTaken, PatientAlreadyLinked, SlotTaken
from domain.clinic.patients import Patient
from domain.clinic.schedule import WorkingHours
from domain.shared.roles import Role


class InMemoryPatientRepository(PatientRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        tables = store.of("clinic")
        self._patients: dict[str, Patient] = tables.table("patients")
        self._ids_by_identifier: dict[str, str] = tables.table("patient_ids_by_identifier")
        self._ids_by_user: dict[str, str] = tables.table("patient_ids_by_user")
        self._journal = journal

    async def add(self, patient: Patient) -> None:
        self._journal.check_writable()
        if patient.identifier is not None and patient.identifier in self._ids_by_identifier:
            raise IdentifierTaken(f"identifier {patient.identifier!r} is taken")
        if patient.user_id is not None and patient.user_id in self._ids_by_user:
            raise PatientAlreadyLinked("the user is linked to another patient record")
        if patient.identifier is not None:
            put(self._journal, self._ids_by_identifier, patient.identifier, patient.id)
        if patient.user_id is not None:
            put(self._journal, self._ids_by_user, patient.user_id, patient.id)
        put(self._journal, self._patients, patient.id, clone(patient))
        self._journal.hold(self._patients, patient.id)

    async def get(self, patient_id: str) -> Patient | None:
        patient = self._patients.get(patient_id)
        return clone(patient) if patient else None

    async def get_by_user(self, user_id: str) -> Patient | None:
        patient_id = self._ids_by_user.get(user_id)
        return await self.get(patient_id) if patient_id else None


class InMemoryAppointmentRepository(AppointmentRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        tables = store.of("clinic")
        self._appointments: dict[str, Appointment] = tables.table("appointments")
        # No rows: the keys ("clinician", id) and ("patient", id) are what a booking holds.
        self._schedules: dict[tuple[str, str], None] = tables.table("schedules")
        self._journal = journal

    async def lock_clinician(self, clinician_id: str) -> None:
        self._journal.hold(self._schedules, ("clinician", clinician_id))

    async def lock_patient(self, patient_id: str) -> None:
        self._journal.hold(self._schedules, ("patient", patient_id))

    async def add(self, appointment: Appointment) -> None:
        self._journal.check_writable()
        self._check_holds_interval(appointment)
        put(self._journal, self._appointments, appointment.id, clone(appointment))
        self._journal.hold(self._appointments, appointment.id)

    async def get(self, appointment_id: str) -> Appointment | None:
        appointment = self._appointments.get(appointment_id)
        return clone(appointment) if appointment else None

    async def get_for_update(self, appointment_id: str) -> Appointment | None:
        self._journal.hold(self._appointments, appointment_id)
        return await self.get(appointment_id)

    async def save(self, appointment: Appointment) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._appointments, appointment.id)
        stored = self._appointments.get(appointment.id)
        if stored is None:
            return
        if _interval(appointment) != _interval(stored):  # it newly takes an interval
            self._check_holds_interval(appointment)
        put(self._journal, self._appointments, appointment.id, clone(appointment))

    async def active_overlapping(
        self,
        start: datetime,
        end: datetime,
        *,
        clinician_id: str | None = None,
        patient_id: str | None = None,
    ) -> Sequence[Appointment]:
        if (clinician_id is None) == (patient_id is None):
            raise ValueError("give exactly one of clinician_id and patient_id")
        found = [
            a
            for a in self._appointments.values()
            if (a.clinician_id == clinician_id or a.patient_id == patient_id)
            and a.holds(start, end)
        ]
        found.sort(key=lambda a: (a.start, a.id))
        return [clone(a) for a in found]

    def _check_holds_interval(self, appointment: Appointment) -> None:
        """The storage's own no-double-booking rule, for an appointment taking an interval."""
        start, end = _interval(appointment)
        if start is None or end is None:
            return
        self._journal.check_held(self._schedules, ("clinician", appointment.clinician_id))
        self._journal.check_held(self._schedules, ("patient", appointment.patient_id))
        for other in self._appointments.values():
            same_person = (
                other.clinician_id == appointment.clinician_id
                or other.patient_id == appointment.patient_id
            )
            if other.id != appointment.id and same_person and other.holds(start, end):
                raise SlotTaken.by(other.id)


def _interval(appointment: Appointment) -> tuple[datetime | None, datetime | None]:
    """The interval the appointment holds: none unless it is active."""
    if not appointment.is_active:
        return None, None
    return appointment.start, appointment.end


class InMemoryWorkingHoursRepository(WorkingHoursRepository):
    """Working hours are frozen values, stored as they are."""

    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._hours: dict[str, WorkingHours] = store.of("clinic").table("working_hours")
        self._journal = journal

    async def get(self, clinician_id: str) -> WorkingHours | None:
        return self._hours.get(clinician_id)

    async def get_for_update(self, clinician_id: str) -> WorkingHours | None:
        self._journal.hold(self._hours, clinician_id)
        return self._hours.get(clinician_id)

    async def save(self, hours: WorkingHours) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._hours, hours.clinician_id)
        put(self._journal, self._hours, hours.clinician_id, hours)


class InMemoryClinicianDirectory(ClinicianDirectory):
    """Answers from the accounts' memory table by its name (as the SQL adapter will from
    its table): the clinic imports nothing of the accounts context. Only `role` is read."""

    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._users: dict[str, Any] = store.of("accounts").table("users")

    async def is_clinician(self, user_id: str) -> bool:
        user = self._users.get(user_id)
        return user is not None and getattr(user, "role", None) is Role.CLINICIAN
