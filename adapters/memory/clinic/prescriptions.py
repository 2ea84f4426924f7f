"""Prescriptions on the in-memory store: only one loaded for update may be saved."""

from __future__ import annotations

from adapters.memory.store import Journal, MemoryStore, clone, put
from application.clinic.ports import PrescriptionRepository
from application.shared.paging import Page
from domain.clinic.prescriptions import Prescription


class InMemoryPrescriptionRepository(PrescriptionRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._prescriptions: dict[str, Prescription] = store.of("clinic").table("prescriptions")
        self._journal = journal

    async def add(self, prescription: Prescription) -> None:
        self._journal.check_writable()
        put(self._journal, self._prescriptions, prescription.id, clone(prescription))
        self._journal.hold(self._prescriptions, prescription.id)

    async def get(self, prescription_id: str) -> Prescription | None:
        found = self._prescriptions.get(prescription_id)
        return clone(found) if found else None

    async def get_for_update(self, prescription_id: str) -> Prescription | None:
        self._journal.hold(self._prescriptions, prescription_id)
        return await self.get(prescription_id)

    async def save(self, prescription: Prescription) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._prescriptions, prescription.id)
        if prescription.id in self._prescriptions:
            put(self._journal, self._prescriptions, prescription.id, clone(prescription))

    async def list_for_patient(
        self, patient_id: str, limit: int, offset: int
    ) -> Page[Prescription]:
        found = [p for p in self._prescriptions.values() if p.patient_id == patient_id]
        found.sort(key=lambda p: (p.authored_on, p.id), reverse=True)
        items = [clone(p) for p in found[offset : offset + limit]]
        return Page(items, len(found), limit, offset)
