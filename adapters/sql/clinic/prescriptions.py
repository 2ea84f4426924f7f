"""Prescriptions in SQL: the medication flattened to three columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.clinic import prescriptions as table
from application.clinic.ports import PrescriptionRepository
from application.shared.paging import Page
from domain.clinic.prescriptions import Medication, Prescription, PrescriptionStatus

_ONE = select(table).where(table.c.id == bindparam("prescription_id"))
_ONE_FOR_UPDATE = _ONE.with_for_update()
_OF_PATIENT = table.c.patient_id == bindparam("patient_id")
_PAGE = (
    select(table)
    .where(_OF_PATIENT)
    .order_by(table.c.authored_on.desc(), table.c.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_COUNT = select(func.count()).select_from(table).where(_OF_PATIENT)


def _values(p: Prescription) -> dict[str, Any]:
    return {
        "id": p.id,
        "patient_id": p.patient_id,
        "requester_id": p.requester_id,
        "medication_text": p.medication.text,
        "medication_code": p.medication.code,
        "medication_system": p.medication.system,
        "dosage_instruction": p.dosage_instruction,
        "quantity": p.quantity,
        "refills": p.refills,
        "valid_until": p.valid_until,
        "status": p.status.value,
        "authored_on": p.authored_on,
        "updated_at": p.updated_at,
    }


def _prescription(row: Any) -> Prescription:
    r = row
    medication = Medication(r.medication_text, r.medication_code, r.medication_system)
    return Prescription(
        r.id, r.patient_id, r.requester_id, medication, r.dosage_instruction, r.quantity,
        r.refills, r.valid_until, PrescriptionStatus(r.status), r.authored_on, r.updated_at,
    )  # fmt: skip


class SqlPrescriptionRepository(PrescriptionRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, prescription: Prescription) -> None:
        await self._db.execute(insert(table), _values(prescription))

    async def get(self, prescription_id: str) -> Prescription | None:
        row = (await self._db.execute(_ONE, {"prescription_id": prescription_id})).first()
        return _prescription(row) if row else None

    async def get_for_update(self, prescription_id: str) -> Prescription | None:
        params = {"prescription_id": prescription_id}
        row = (await self._db.execute(_ONE_FOR_UPDATE, params)).first()
        return _prescription(row) if row else None

    async def save(self, prescription: Prescription) -> None:
        statement = update(table).where(table.c.id == prescription.id)
        await self._db.execute(
            statement, {"status": prescription.status.value, "updated_at": prescription.updated_at}
        )

    async def list_for_patient(
        self, patient_id: str, limit: int, offset: int
    ) -> Page[Prescription]:
        params = {"patient_id": patient_id, "limit": limit, "offset": offset}
        total = (await self._db.execute(_COUNT, params)).scalar_one()
        rows = await self._db.execute(_PAGE, params)
        return Page([_prescription(r) for r in rows], total, limit, offset)
