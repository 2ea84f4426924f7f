"""`/patients/me`: a user linked to a record sees it and its prescriptions; a caller
linked to none gets not found, and the attempt is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.clinic.dto import PrescribeCommand
from domain.clinic.audit import AuditOutcome
from domain.clinic.errors import PatientNotFound
from tests.unit.clinic.clinic_helpers import ADMIN, TODAY, Clinic, berlin


async def test_a_linked_user_sees_their_record_and_prescriptions(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    alice = await clinic.user("alice")
    ada = await clinic.patient(linked_to=alice)
    other = await clinic.patient()
    for patient_id in (ada.id, other.id):
        command = PrescribeCommand(doctor, patient_id, "Ibuprofen", "1 tablet", 10)
        await clinic.use_cases.prescribe().execute(command)

    assert (await clinic.use_cases.get_own_patient().execute(alice)).id == ada.id
    page = await clinic.use_cases.list_own_prescriptions().execute(alice)
    assert [v.patient_id for v in page.items] == [ada.id]
    booked = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TODAY + timedelta(1), 10))
    await clinic.book(ADMIN, other.id, doctor.user_id, berlin(TODAY + timedelta(1), 11))
    own = await clinic.use_cases.list_own_appointments().execute(alice)
    assert ([v.id for v in own.items], own.total) == ([booked.id], 1)


async def test_a_caller_without_a_record_gets_not_found(clinic: Clinic) -> None:
    eve = await clinic.user("eve")
    for actor in (eve, ADMIN):
        with pytest.raises(PatientNotFound):
            await clinic.use_cases.get_own_patient().execute(actor)
        with pytest.raises(PatientNotFound):
            await clinic.use_cases.list_own_prescriptions().execute(actor)
        with pytest.raises(PatientNotFound):
            await clinic.use_cases.list_own_appointments().execute(actor)
    refused = [e for e in clinic.table("audit_events").values() if e.actor_id == eve.user_id]
    assert [e.outcome for e in refused] == [AuditOutcome.FAILURE] * 3
