"""Who may do what in the clinic: clinicians and admins act for any patient, a user only
through the patient record linked to them (anything else is not found), moves other than
cancelling are the staff's, and entered-in-error is an admin's."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from application.clinic.dto import (
    AppointmentView,
    AvailabilityQuery,
    ChangeAppointmentStatusCommand,
)
from application.shared.actor import Actor
from domain.clinic.appointments import AppointmentStatus
from domain.clinic.errors import (
    AppointmentNotFound,
    IdentifierTaken,
    IllegalTransition,
    NotAClinician,
    PatientAlreadyLinked,
    PatientNotFound,
)
from domain.shared.errors import Forbidden
from tests.unit.clinic.clinic_helpers import ADMIN, TODAY, Clinic, berlin

TUESDAY = TODAY + timedelta(days=1)
S = AppointmentStatus


async def test_staff_book_for_any_patient(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada, bob = await clinic.patient(), await clinic.patient(given="Bob")

    by_doctor = await clinic.book(doctor, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    by_admin = await clinic.book(ADMIN, bob.id, doctor.user_id, berlin(TUESDAY, 11))

    assert (by_doctor.patient_id, by_admin.patient_id) == (ada.id, bob.id)


async def test_a_linked_user_books_for_their_own_record_only(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada_user = await clinic.user("ada")
    ada, bob = await clinic.patient(linked_to=ada_user), await clinic.patient(given="Bob")

    own = await clinic.book(ada_user, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    with pytest.raises(PatientNotFound):
        await clinic.book(ada_user, bob.id, doctor.user_id, berlin(TUESDAY, 11))

    assert own.patient_id == ada.id


async def test_a_user_without_a_record_books_for_no_one(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    stranger = await clinic.user("stranger")
    ada = await clinic.patient()

    with pytest.raises(PatientNotFound):
        await clinic.book(stranger, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    with pytest.raises(PatientNotFound):
        await clinic.book(stranger, "no-such-patient", doctor.user_id, berlin(TUESDAY, 10))


async def test_a_linked_user_cancels_their_own_and_sees_no_other(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada_user, bob_user = await clinic.user("ada"), await clinic.user("bob")
    ada = await clinic.patient(linked_to=ada_user)
    await clinic.patient(linked_to=bob_user, given="Bob")
    booked = await clinic.book(ada_user, ada.id, doctor.user_id, berlin(TUESDAY, 10))
    cancel = clinic.use_cases.cancel_appointment()

    with pytest.raises(AppointmentNotFound):
        await cancel.execute(bob_user, booked.id)
    with pytest.raises(AppointmentNotFound):
        await clinic.use_cases.get_appointment().execute(bob_user, booked.id)
    cancelled = await cancel.execute(ada_user, booked.id, "feeling better")

    assert (cancelled.status, cancelled.cancelation_reason) == (S.CANCELLED, "feeling better")


async def test_moves_other_than_cancelling_are_the_staffs(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada_user = await clinic.user("ada")
    ada = await clinic.patient(linked_to=ada_user)
    booked = await clinic.book(ada_user, ada.id, doctor.user_id, berlin(TUESDAY, 10))

    with pytest.raises(Forbidden):
        await _move(clinic, ada_user, booked.id, S.ARRIVED)
    arrived = await _move(clinic, doctor, booked.id, S.ARRIVED)
    fulfilled = await _move(clinic, doctor, booked.id, S.FULFILLED)

    assert (arrived.status, fulfilled.status) == (S.ARRIVED, S.FULFILLED)
    with pytest.raises(IllegalTransition):
        await _move(clinic, doctor, booked.id, S.CANCELLED)


async def test_only_an_admin_marks_entered_in_error(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    booked = await clinic.book(doctor, ada.id, doctor.user_id, berlin(TUESDAY, 10))

    with pytest.raises(Forbidden):
        await _move(clinic, doctor, booked.id, S.ENTERED_IN_ERROR)
    erred = await _move(clinic, ADMIN, booked.id, S.ENTERED_IN_ERROR)

    assert erred.status is S.ENTERED_IN_ERROR
    with pytest.raises(IllegalTransition):
        await _move(clinic, ADMIN, booked.id, S.ENTERED_IN_ERROR)


async def test_noshow_takes_a_reason_and_frees_the_slot(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada = await clinic.patient()
    booked = await clinic.book(doctor, ada.id, doctor.user_id, berlin(TUESDAY, 10))

    missed = await _move(clinic, doctor, booked.id, S.NOSHOW, "did not come")

    assert missed.cancelation_reason == "did not come"
    assert await clinic.book(doctor, ada.id, doctor.user_id, berlin(TUESDAY, 10))


# --- patients ------------------------------------------------------------------------------


async def test_staff_create_patients_and_users_see_their_own(clinic: Clinic) -> None:
    doctor = await clinic.clinician()
    ada_user, bob_user = await clinic.user("ada"), await clinic.user("bob")
    ada = await clinic.patient(linked_to=ada_user, actor=doctor, identifier="MRN-1")
    get = clinic.use_cases.get_patient()

    assert (await get.execute(ada_user, ada.id)).age == 35  # born 10 December 1990
    assert (await get.execute(doctor, ada.id)).identifier == "MRN-1"
    with pytest.raises(PatientNotFound):
        await get.execute(bob_user, ada.id)
    with pytest.raises(Forbidden):
        await clinic.patient(actor=bob_user)


async def test_identifiers_and_links_are_unique(clinic: Clinic) -> None:
    ada_user = await clinic.user("ada")
    await clinic.patient(linked_to=ada_user, identifier="MRN-1")

    with pytest.raises(IdentifierTaken):
        await clinic.patient(identifier="MRN-1")
    with pytest.raises(PatientAlreadyLinked):
        await clinic.patient(linked_to=ada_user)
    assert len(clinic.table("patients")) == 1


# --- working hours and availability ----------------------------------------------------------


async def test_only_an_admin_sets_working_hours_of_a_clinician(clinic: Clinic) -> None:
    doctor = await clinic.clinician(hours=False)
    plain = await clinic.user("plain")
    nine_to_noon = [(0, time(9), time(12))]

    with pytest.raises(Forbidden):
        await clinic.set_hours(doctor.user_id, nine_to_noon, actor=doctor)
    with pytest.raises(NotAClinician):
        await clinic.set_hours(plain.user_id, nine_to_noon)
    hours = await clinic.set_hours(doctor.user_id, nine_to_noon, zone="America/New_York")

    assert (hours.time_zone, hours.intervals) == ("America/New_York", tuple(nine_to_noon))


async def test_availability_lists_the_free_slots_of_a_day(clinic: Clinic) -> None:
    doctor = await clinic.clinician(hours=False)
    await clinic.set_hours(doctor.user_id, [(0, time(6), time(9)), (1, time(9), time(11))])
    ada_user = await clinic.user("ada")
    ada = await clinic.patient(linked_to=ada_user)
    await clinic.book(ada_user, ada.id, doctor.user_id, berlin(TUESDAY, 9, 30), minutes=45)
    get = clinic.use_cases.get_availability()

    tuesday = await get.execute(AvailabilityQuery(ada_user, doctor.user_id, TUESDAY, 30))
    # Monday: the clock reads 07:00 in Berlin, so 06:00-07:00 is gone.
    monday = await get.execute(AvailabilityQuery(ada_user, doctor.user_id, TODAY, 60))

    assert tuesday.time_zone == "Europe/Berlin"
    assert [s for s, _ in tuesday.slots] == [berlin(TUESDAY, 9), berlin(TUESDAY, 10, 30)]
    assert [s for s, _ in monday.slots] == [berlin(TODAY, 7), berlin(TODAY, 8)]
    sunday = await get.execute(AvailabilityQuery(ada_user, doctor.user_id, date(2026, 3, 8)))
    assert sunday.slots == ()


async def _move(
    clinic: Clinic, actor: Actor, appointment_id: str, status: S, reason: str | None = None
) -> AppointmentView:
    command = ChangeAppointmentStatusCommand(actor, appointment_id, status, reason)
    return await clinic.use_cases.change_appointment_status().execute(command)
