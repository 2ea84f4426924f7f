"""Every read and change of a patient or an appointment, and every refused attempt,
leaves exactly one audit event, committed before the use case answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.clinic.audit import AuditAction, AuditEvent, AuditOutcome
from domain.clinic.errors import AppointmentNotFound, PatientNotFound
from domain.shared.errors import Forbidden
from tests.unit.clinic.clinic_helpers import ADMIN, TODAY, Clinic, berlin

TUESDAY = TODAY + timedelta(days=1)


def events(clinic: Clinic) -> list[AuditEvent]:
    return sorted(clinic.table("audit_events").values(), key=lambda e: e.id)


def summary(event: AuditEvent) -> tuple[object, ...]:
    return (
        event.actor_id, event.role, event.action, event.entity_type, event.entity_id,
        event.patient_id, event.outcome, event.request_id,
    )  # fmt: skip


async def test_reading_a_patient_leaves_one_read_event(clinic: Clinic) -> None:
    ada = await clinic.patient()
    before = events(clinic)

    await clinic.use_cases.get_patient().execute(ADMIN, ada.id, request_id="req-1")

    new = [e for e in events(clinic) if e not in before]
    assert [summary(e) for e in new] == [
        (
            ADMIN.user_id, "admin", AuditAction.READ, "Patient", ada.id, ada.id,
            AuditOutcome.SUCCESS, "req-1",
        )
    ]  # fmt: skip
    assert new[0].at == clinic.clock.now()


async def test_creating_a_patient_leaves_one_create_event(clinic: Clinic) -> None:
    ada = await clinic.patient()
    assert [summary(e) for e in events(clinic)] == [
        (
            ADMIN.user_id, "admin", AuditAction.CREATE, "Patient", ada.id, ada.id,
            AuditOutcome.SUCCESS, None,
        )
    ]  # fmt: skip


async def test_booking_and_cancelling_each_leave_one_event(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    before = events(clinic)

    booked = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    after_booking = [e for e in events(clinic) if e not in before]
    await clinic.use_cases.cancel_appointment().execute(doctor, booked.id, request_id="r-2")
    after_cancel = [e for e in events(clinic) if e not in before and e not in after_booking]

    assert [summary(e) for e in after_booking] == [
        (
            ADMIN.user_id, "admin", AuditAction.CREATE, "Appointment", booked.id, ada.id,
            AuditOutcome.SUCCESS, None,
        )
    ]  # fmt: skip
    assert [summary(e) for e in after_cancel] == [
        (
            doctor.user_id, "clinician", AuditAction.UPDATE, "Appointment", booked.id,
            ada.id, AuditOutcome.SUCCESS, "r-2",
        )
    ]  # fmt: skip


async def test_a_refused_read_leaves_one_failure_event(clinic: Clinic) -> None:
    ada = await clinic.patient()
    stranger = await clinic.user("eve")
    before = events(clinic)

    with pytest.raises(PatientNotFound):
        await clinic.use_cases.get_patient().execute(stranger, ada.id, request_id="req-3")
    with pytest.raises(AppointmentNotFound):
        await clinic.use_cases.get_appointment().execute(stranger, "a-none")

    new = [summary(e) for e in events(clinic) if e not in before]
    assert sorted(new, key=str) == sorted(
        [
            (
                stranger.user_id, "user", AuditAction.READ, "Patient", ada.id, ada.id,
                AuditOutcome.FAILURE, "req-3",
            ),
            (
                stranger.user_id, "user", AuditAction.READ, "Appointment", "a-none", None,
                AuditOutcome.FAILURE, None,
            ),
        ],
        key=str,
    )  # fmt: skip


async def test_a_forbidden_create_leaves_one_failure_event(clinic: Clinic) -> None:
    stranger = await clinic.user("eve")
    with pytest.raises(Forbidden):
        await clinic.patient(actor=stranger)
    [event] = events(clinic)
    assert (event.actor_id, event.action, event.outcome) == (
        stranger.user_id,
        AuditAction.CREATE,
        AuditOutcome.FAILURE,
    )
