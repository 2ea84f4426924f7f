"""BookAppointment on the memory adapters, through the clinic's container: working
hours, no double booking for the clinician or the patient, the time rules, and keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from application.clinic.dto import BookAppointmentCommand
from domain.clinic.appointments import AppointmentStatus
from domain.clinic.errors import (
    InvalidAppointmentTime,
    NotAClinician,
    OutsideWorkingHours,
    PatientInactive,
    SlotTaken,
)
from domain.shared.errors import ErrorKind
from domain.shared.idempotency import IdempotencyKeyReused
from tests.unit.clinic.clinic_helpers import ADMIN, TODAY, Clinic, berlin

TUESDAY = TODAY + timedelta(days=1)


async def test_a_booking_within_working_hours_is_booked(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()

    booked = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10), reason="flu")

    assert booked.status is AppointmentStatus.BOOKED
    assert (booked.start, booked.end) == (
        berlin(TUESDAY, 10).astimezone(UTC),
        berlin(TUESDAY, 10, 30).astimezone(UTC),
    )
    assert (booked.patient_id, booked.clinician_id, booked.reason) == (
        ada.id,
        doctor.user_id,
        "flu",
    )
    assert not booked.replayed
    fetched = await clinic.use_cases.get_appointment().execute(ADMIN, booked.id)
    assert fetched == booked


async def test_an_overlap_for_the_same_clinician_names_the_first(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada, bob = await clinic.patient(), await clinic.patient(given="Bob")
    first = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10), minutes=60)

    with pytest.raises(SlotTaken) as raised:
        await clinic.book(ADMIN, bob.id, doctor.user_id, berlin(TUESDAY, 10, 30))

    assert raised.value.appointment_id == first.id
    assert raised.value.extra == {"appointment_id": first.id}
    assert raised.value.kind is ErrorKind.CONFLICT


async def test_an_overlap_for_the_same_patient_names_the_first(clinic: Clinic) -> None:
    house, grey = await clinic.clinician(), await clinic.clinician("dr-grey")
    ada = await clinic.patient()
    first = await clinic.book(ADMIN, ada.id, house.user_id, berlin(TUESDAY, 10), minutes=60)

    with pytest.raises(SlotTaken) as raised:
        await clinic.book(ADMIN, ada.id, grey.user_id, berlin(TUESDAY, 10, 59))

    assert raised.value.appointment_id == first.id


async def test_back_to_back_appointments_both_book(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()

    first = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    second = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10, 30))

    assert first.end == second.start


async def test_a_cancelled_appointment_frees_its_slot(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    first = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    await clinic.use_cases.cancel_appointment().execute(ADMIN, first.id, "rescheduled")

    again = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10))

    assert again.id != first.id


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        (berlin(TUESDAY, 8, 30), 60),  # starts before 09:00
        (berlin(TUESDAY, 16, 45), 30),  # ends after 17:00
        (berlin(date(2026, 3, 7), 10), 30),  # a Saturday
        (berlin(TUESDAY, 12), 8 * 60),  # runs past the day's end
    ],
)
async def test_outside_working_hours_is_a_conflict(
    clinic: Clinic, start: datetime, minutes: int
) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()

    with pytest.raises(OutsideWorkingHours) as raised:
        await clinic.book(ADMIN, ada.id, doctor.user_id, start, minutes=minutes)

    assert raised.value.kind is ErrorKind.CONFLICT


async def test_a_clinician_without_working_hours_cannot_be_booked(clinic: Clinic) -> None:
    doctor = await clinic.clinician(hours=False)
    ada = await clinic.patient()

    with pytest.raises(OutsideWorkingHours):
        await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10))


async def test_the_past_and_more_than_eight_hours_are_refused(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    clinic.clock.advance(hours=4)  # Monday 11:00 in Berlin

    with pytest.raises(InvalidAppointmentTime, match="past"):
        await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TODAY, 10, 30))
    with pytest.raises(InvalidAppointmentTime, match="at most"):
        await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 9), minutes=8 * 60 + 1)
    assert await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 9), minutes=8 * 60)


async def test_a_naive_time_is_refused_before_any_storage(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    start = berlin(TUESDAY, 10).replace(tzinfo=None)

    with pytest.raises(InvalidAppointmentTime, match="time zone"):
        await clinic.book(ADMIN, ada.id, doctor.user_id, start)


async def test_the_clinician_must_be_one(clinic: Clinic) -> None:
    plain = await clinic.user("plain")
    ada = await clinic.patient()

    with pytest.raises(NotAClinician):
        await clinic.book(ADMIN, ada.id, plain.user_id, berlin(TUESDAY, 10))
    with pytest.raises(NotAClinician):
        await clinic.book(ADMIN, ada.id, "nobody", berlin(TUESDAY, 10))


async def test_an_inactive_patient_cannot_book(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    gone = await clinic.patient(active=False)

    with pytest.raises(PatientInactive):
        await clinic.book(ADMIN, gone.id, doctor.user_id, berlin(TUESDAY, 10))


# --- Idempotency-Key ----------------------------------------------------------------------


async def test_a_retry_with_the_same_key_answers_the_same_appointment(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    first = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10), key="k-1")
    await clinic.use_cases.cancel_appointment().execute(ADMIN, first.id)

    # The same request from another edge: the same instant in another offset.
    retry = await clinic.book(
        ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10).astimezone(UTC), key="k-1"
    )

    assert retry.replayed
    assert retry.id == first.id
    assert retry.status is AppointmentStatus.BOOKED  # the first answer, as it was
    assert len(clinic.table("appointments")) == 1


async def test_the_same_key_with_another_body_is_refused(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10), key="k-1")

    with pytest.raises(IdempotencyKeyReused) as raised:
        await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 11), key="k-1")

    assert raised.value.code == "idempotency_key_reused"
    assert len(clinic.table("appointments")) == 1


async def test_a_refused_booking_frees_its_key(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    with pytest.raises(OutsideWorkingHours):
        await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 20), key="k-1")
    await clinic.set_hours(doctor.user_id, [(1, time(0), time(23, 59))])

    booked = await clinic.book(ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 20), key="k-1")

    assert not booked.replayed


async def test_the_command_carries_the_key(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    command = BookAppointmentCommand(
        ADMIN, ada.id, doctor.user_id, berlin(TUESDAY, 10), berlin(TUESDAY, 11), "", "k"
    )
    first = await clinic.use_cases.book_appointment().execute(command)
    again = await clinic.use_cases.book_appointment().execute(command)
    assert (again.id, again.replayed) == (first.id, True)
