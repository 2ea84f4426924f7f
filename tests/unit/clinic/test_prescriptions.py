"""Prescriptions: FHIR MedicationRequest's statuses (illegal moves refused), only
clinicians prescribe and move them, a user sees their own record's; all audited."""

from __future__ import annotations

from datetime import date

import pytest

from application.clinic.dto import ChangePrescriptionStatusCommand, PrescribeCommand
from application.shared.actor import Actor
from domain.clinic.audit import AuditAction, AuditOutcome
from domain.clinic.errors import (
    IllegalPrescriptionTransition,
    InvalidPrescription,
    PatientNotFound,
    PrescriptionNotFound,
)
from domain.clinic.prescriptions import Medication, Prescription, PrescriptionStatus
from domain.shared.errors import Forbidden
from tests.unit.clinic.clinic_helpers import ADMIN, MONDAY_6_UTC, Clinic

S = PrescriptionStatus


def rx(status: S = S.ACTIVE) -> Prescription:
    """A prescription in `status` (as stored: only draft and active can be prescribed)."""
    prescription = Prescription.prescribe(
        "rx-1", "p-1", "u-doc", Medication.of("Ibuprofen"), "1 tablet", 10, 0, None,
        MONDAY_6_UTC,
    )  # fmt: skip
    prescription.status = status
    return prescription


@pytest.mark.parametrize(
    ("start", "target", "legal"),
    [
        (S.DRAFT, S.ACTIVE, True),
        (S.ACTIVE, S.ON_HOLD, True),
        (S.ON_HOLD, S.ACTIVE, True),
        (S.ACTIVE, S.COMPLETED, True),
        (S.ACTIVE, S.ENTERED_IN_ERROR, True),
        (S.ACTIVE, S.DRAFT, False),
    ],
)
def test_moves_follow_the_table(start: S, target: S, legal: bool) -> None:
    prescription = rx(start)
    if legal:
        prescription.move(target, MONDAY_6_UTC)
        assert prescription.status is target
    else:
        with pytest.raises(IllegalPrescriptionTransition):
            prescription.move(target, MONDAY_6_UTC)


def test_a_finished_prescription_never_moves_again() -> None:
    prescription = rx()
    prescription.move(S.STOPPED, MONDAY_6_UTC)
    with pytest.raises(IllegalPrescriptionTransition):
        prescription.move(S.ACTIVE, MONDAY_6_UTC)


@pytest.mark.parametrize(
    "options",
    [{"quantity": 0}, {"refills": 13}, {"valid_until": date(2000, 1, 1)}, {"status": S.STOPPED}],
)
def test_what_can_never_be_prescribed_is_refused(options: dict[str, object]) -> None:
    fields: dict[str, object] = {"quantity": 10, "refills": 0, "valid_until": None} | options
    with pytest.raises(InvalidPrescription):
        Prescription.prescribe(
            "rx", "p", "u", Medication.of("X"), "d", fields["quantity"],  # type: ignore[arg-type]
            fields["refills"], fields["valid_until"], MONDAY_6_UTC,  # type: ignore[arg-type]
            fields.get("status", S.ACTIVE),  # type: ignore[arg-type]
        )  # fmt: skip


def test_a_code_needs_its_system() -> None:
    with pytest.raises(InvalidPrescription):
        Medication.of("Ibuprofen", code="5640")


async def prescribe(clinic: Clinic, actor: Actor, patient_id: str):  # type: ignore[no-untyped-def]
    command = PrescribeCommand(actor, patient_id, "Ibuprofen 400 mg", "1 tablet", 10)
    return await clinic.use_cases.prescribe().execute(command)


async def test_only_clinicians_prescribe_and_move(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    alice = await clinic.user("alice")
    ada = await clinic.patient(linked_to=alice)
    for actor in (ADMIN, alice):
        with pytest.raises(Forbidden):
            await prescribe(clinic, actor, ada.id)
    with pytest.raises(PatientNotFound):
        await prescribe(clinic, doctor, "p-none")

    view = await prescribe(clinic, doctor, ada.id)
    assert (view.requester_id, view.status, view.intent) == (doctor.user_id, S.ACTIVE, "order")
    change = clinic.use_cases.change_prescription_status()
    with pytest.raises(Forbidden):
        await change.execute(ChangePrescriptionStatusCommand(alice, view.id, S.STOPPED))
    moved = await change.execute(ChangePrescriptionStatusCommand(doctor, view.id, S.ON_HOLD))
    assert moved.status is S.ON_HOLD
    with pytest.raises(IllegalPrescriptionTransition):
        await change.execute(ChangePrescriptionStatusCommand(doctor, view.id, S.COMPLETED))


async def test_a_user_sees_only_their_records_prescriptions(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    alice = await clinic.user("alice")
    eve = await clinic.user("eve")
    ada = await clinic.patient(linked_to=alice)
    view = await prescribe(clinic, doctor, ada.id)

    assert (await clinic.use_cases.get_prescription().execute(alice, view.id)).id == view.id
    with pytest.raises(PrescriptionNotFound):
        await clinic.use_cases.get_prescription().execute(eve, view.id)
    page = await clinic.use_cases.list_patient_prescriptions().execute(alice, ada.id)
    assert ([v.id for v in page.items], page.total) == ([view.id], 1)
    with pytest.raises(PatientNotFound):
        await clinic.use_cases.list_patient_prescriptions().execute(eve, ada.id)

    events = [
        (e.actor_id, e.action, e.entity_type, e.outcome)
        for e in clinic.table("audit_events").values()
        if e.entity_type == "Prescription" or e.actor_id == eve.user_id
    ]
    assert sorted(events, key=str) == sorted(
        [
            (doctor.user_id, AuditAction.CREATE, "Prescription", AuditOutcome.SUCCESS),
            (alice.user_id, AuditAction.READ, "Prescription", AuditOutcome.SUCCESS),
            (alice.user_id, AuditAction.READ, "Prescription", AuditOutcome.SUCCESS),
            (eve.user_id, AuditAction.READ, "Prescription", AuditOutcome.FAILURE),
            (eve.user_id, AuditAction.READ, "Patient", AuditOutcome.FAILURE),
        ],
        key=str,
    )
