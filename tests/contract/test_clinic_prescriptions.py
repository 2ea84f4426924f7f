"""The clinic's prescriptions behave alike on memory, SQLite and PostgreSQL: round trip,
a status change saved after a load for update, a patient's list newest first and paged."""

from __future__ import annotations

from datetime import date, timedelta

from domain.clinic.prescriptions import Medication, Prescription, PrescriptionStatus
from tests.contract.builders import T0
from tests.contract.clinic_builders import add_patients, new_patient
from tests.support.storage import Uows


def new_prescription(n: int, patient_id: str = "p-1") -> Prescription:
    return Prescription.prescribe(
        f"rx-{n:02d}",
        patient_id,
        "u-doc",
        Medication.of("Amoxicillin 500 mg", "723", "http://www.nlm.nih.gov/research/umls/rxnorm"),
        "1 capsule three times a day",
        21,
        1,
        date(2099, 1, 1),
        T0 + timedelta(minutes=n),
    )


async def test_a_prescription_round_trips_and_moves(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"))
    prescription = new_prescription(1)
    async with uows.clinic().write() as uow:
        await uow.prescriptions.add(prescription)
        await uow.commit()
    async with uows.clinic().write() as uow:
        loaded = await uow.prescriptions.get_for_update("rx-01")
        assert loaded is not None
        assert vars(loaded) == vars(prescription)
        loaded.move(PrescriptionStatus.ON_HOLD, T0 + timedelta(hours=1))
        await uow.prescriptions.save(loaded)
        await uow.commit()
    async with uows.clinic().read() as uow:
        moved = await uow.prescriptions.get("rx-01")
        assert await uow.prescriptions.get("rx-none") is None
    assert moved is not None
    assert (moved.status, moved.updated_at) == (PrescriptionStatus.ON_HOLD, T0 + timedelta(hours=1))


async def test_a_patients_prescriptions_are_paged_newest_first(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1"), new_patient("p-2"))
    async with uows.clinic().write() as uow:
        for n in range(1, 5):
            await uow.prescriptions.add(new_prescription(n))
        await uow.prescriptions.add(new_prescription(9, "p-2"))
        await uow.commit()
    async with uows.clinic().read() as uow:
        page = await uow.prescriptions.list_for_patient("p-1", 2, 1)
        none = await uow.prescriptions.list_for_patient("p-3", 10, 0)
    assert [p.id for p in page.items] == ["rx-03", "rx-02"]
    assert page.total == 4
    assert (none.items, none.total) == ([], 0)
