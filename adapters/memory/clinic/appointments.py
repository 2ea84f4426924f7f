"""Appointments on the in-memory store. No double booking is this storage's rule as well
as the use case's: an active appointment is stored only while the transaction holds its
clinician's and its patient's schedules, and never over another active one (PostgreSQL:
an exclusion constraint, the schedules rows of their own)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import Journal, MemoryStore, clone, put
from application.clinic.ports import AppointmentRepository
from application.shared.paging import Page
from domain.clinic.appointments import Appointment
from domain.clinic.errors import SlotTaken


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

    async def list_for_patient(self, patient_id: str, limit: int, offset: int) -> Page[Appointment]:
        found = [a for a in self._appointments.values() if a.patient_id == patient_id]
        found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return Page([clone(a) for a in found[offset : offset + limit]], len(found), limit, offset)

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
