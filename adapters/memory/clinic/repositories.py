"""Patients and working hours on the in-memory store. The store's lock already serialises
transactions; "for update" marks the rows the transaction holds, and only those may be
saved (adapters/memory/store.py). Appointments are in appointments.py."""

from __future__ import annotations

from adapters.memory.store import Journal, MemoryStore, clone, put, restore
from application.clinic.ports import PatientRepository, WorkingHoursRepository
from application.shared.paging import Page
from domain.clinic.errors import IdentifierTaken, PatientAlreadyLinked
from domain.clinic.patients import Patient, PatientFilter, search_order
from domain.clinic.schedule import WorkingHours


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

    async def get_for_update(self, patient_id: str) -> Patient | None:
        self._journal.hold(self._patients, patient_id)
        return await self.get(patient_id)

    async def save(self, patient: Patient) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._patients, patient.id)
        stored = self._patients.get(patient.id)
        if stored is None:
            return
        new, old = patient.identifier, stored.identifier
        if new is not None and self._ids_by_identifier.get(new, patient.id) != patient.id:
            raise IdentifierTaken(f"identifier {new!r} is taken")
        if old is not None and old != new:
            self._journal.record(restore(self._ids_by_identifier, old))
            del self._ids_by_identifier[old]
        if new is not None:
            put(self._journal, self._ids_by_identifier, new, patient.id)
        put(self._journal, self._patients, patient.id, clone(patient))

    async def search(self, where: PatientFilter, limit: int, offset: int) -> Page[Patient]:
        found = sorted(filter(where.matches, self._patients.values()), key=search_order)
        items = [clone(p) for p in found[offset : offset + limit]]
        return Page(items, len(found), limit, offset)


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
