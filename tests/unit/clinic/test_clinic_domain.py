"""The clinic's domain rules, on the entities alone: FHIR's appointment invariants and
moves, half-open overlap, working hours across daylight-saving changes, age."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.clinic.appointments import ACTIVE, Appointment, AppointmentStatus
from domain.clinic.errors import (
    IllegalTransition,
    InvalidAppointment,
    InvalidAppointmentTime,
    InvalidPatient,
    InvalidWorkingHours,
    UnknownTimeZone,
)
from domain.clinic.patients import Gender, HumanName, Patient, age
from domain.clinic.schedule import WorkingHours, WorkingInterval, overlaps
from domain.shared.errors import ErrorKind

S = AppointmentStatus
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def booked(start: datetime = START, minutes: int = 30) -> Appointment:
    end = start + timedelta(minutes=minutes)
    return Appointment.book("a-1", "p-1", "c-1", start, end, "check-up", NOW)


def test_intervals_are_half_open() -> None:
    nine, half, ten = START, START + timedelta(minutes=30), START + timedelta(hours=1)
    assert not overlaps(nine, half, half, ten)  # back to back
    assert overlaps(nine, ten, half, ten)
    assert overlaps(nine, ten, nine + timedelta(minutes=1), half)  # inside


def test_only_booked_arrived_and_checked_in_are_active() -> None:
    assert {S.BOOKED, S.ARRIVED, S.CHECKED_IN} == ACTIVE
    appointment = booked()
    assert appointment.holds(START + timedelta(minutes=29), START + timedelta(hours=1))
    appointment.cancel(NOW)
    assert not appointment.holds(START, START + timedelta(minutes=30))


@pytest.mark.parametrize(
    ("start", "end", "rule"),
    [
        (START.replace(tzinfo=None), START.replace(tzinfo=None) + timedelta(hours=1), "zone"),
        (START, START, "after"),
        (START, START - timedelta(minutes=1), "after"),
        (START, START + timedelta(hours=8, seconds=1), "most"),
        (NOW - timedelta(minutes=1), NOW + timedelta(minutes=29), "past"),
    ],
)
def test_an_interval_that_can_never_be_booked_is_invalid(
    start: datetime, end: datetime, rule: str
) -> None:
    with pytest.raises(InvalidAppointmentTime, match=rule) as raised:
        Appointment.book("a-1", "p-1", "c-1", start, end, "", NOW)
    assert raised.value.kind is ErrorKind.INVALID


def test_eight_hours_exactly_and_starting_now_are_bookable() -> None:
    assert booked(NOW, minutes=8 * 60).status is S.BOOKED


def test_fhir_invariants_start_and_end_together_and_required_unless_untimed() -> None:
    def make(status: S, start: datetime | None, end: datetime | None, **kw: str) -> Appointment:
        return Appointment("a", "p", "c", status, start, end, "", NOW, NOW, **kw)

    with pytest.raises(InvalidAppointment, match="both present or both absent"):
        make(S.PROPOSED, START, None)
    with pytest.raises(InvalidAppointment, match="needs start and end"):
        make(S.BOOKED, None, None)
    for status in (S.PROPOSED, S.CANCELLED, S.WAITLIST):
        assert make(status, None, None).start is None
    with pytest.raises(InvalidAppointment, match="cancelation reason"):
        make(S.BOOKED, START, START + timedelta(hours=1), cancelation_reason="ill")
    assert make(S.NOSHOW, START, START + timedelta(hours=1), cancelation_reason="no show")


@pytest.mark.parametrize(
    "path",
    [
        (S.ARRIVED, S.FULFILLED),
        (S.CHECKED_IN, S.FULFILLED),
        (S.CANCELLED,),
        (S.NOSHOW,),
        (S.ENTERED_IN_ERROR,),
        (S.ARRIVED, S.FULFILLED, S.ENTERED_IN_ERROR),
    ],
)
def test_legal_moves_from_booked(path: tuple[S, ...]) -> None:
    appointment = booked()
    for step in path:
        appointment.move(step, NOW + timedelta(minutes=1))
    assert appointment.status is path[-1]
    assert appointment.updated_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    "path",
    [
        (S.FULFILLED,),
        (S.BOOKED,),
        (S.CANCELLED, S.BOOKED),
        (S.CANCELLED, S.CANCELLED),
        (S.ARRIVED, S.CANCELLED),
        (S.CHECKED_IN, S.NOSHOW),
        (S.ENTERED_IN_ERROR, S.ENTERED_IN_ERROR),
        (S.NOSHOW, S.ARRIVED),
    ],
)
def test_illegal_moves_are_conflicts(path: tuple[S, ...]) -> None:
    appointment = booked()
    *before, last = path
    for step in before:
        appointment.move(step, NOW)
    with pytest.raises(IllegalTransition) as raised:
        appointment.move(last, NOW)
    assert raised.value.kind is ErrorKind.CONFLICT
    assert raised.value.extra == {"status": appointment.status.value, "target": last.value}


def test_a_cancelation_reason_only_with_cancelled_or_noshow() -> None:
    appointment = booked()
    with pytest.raises(InvalidAppointment):
        appointment.move(S.ARRIVED, NOW, "came late")
    assert appointment.status is S.BOOKED
    appointment.cancel(NOW, "  feeling better  ")
    assert appointment.cancelation_reason == "feeling better"


def test_as_booked_is_the_first_answer() -> None:
    appointment = booked()
    appointment.cancel(NOW + timedelta(minutes=5), "moved")
    first = appointment.as_booked()
    assert (first.status, first.cancelation_reason, first.updated_at) == (S.BOOKED, None, NOW)


# --- working hours ------------------------------------------------------------------------

WEEKDAYS_9_TO_5 = [WorkingInterval(d, time(9), time(17)) for d in range(5)]


def test_working_hours_follow_the_wall_clock_across_a_dst_change() -> None:
    hours = WorkingHours.of("c-1", "Europe/Berlin", WEEKDAYS_9_TO_5)
    before, after = date(2026, 3, 23), date(2026, 3, 30)  # Mondays; clocks go forward 29th
    # 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    assert hours.windows(before) == [(_utc(before, 8), _utc(before, 16))]
    assert hours.windows(after) == [(_utc(after, 7), _utc(after, 15))]
    assert hours.covers(_utc(after, 7), _utc(after, 7, 30))
    assert not hours.covers(_utc(before, 7), _utc(before, 7, 30))
    assert hours.covers(berlin(before, 16, 30), berlin(before, 17))
    assert not hours.covers(berlin(before, 16, 30), berlin(before, 17, 1))
    assert not hours.covers(berlin(date(2026, 3, 28), 10), berlin(date(2026, 3, 28), 11))


def test_a_day_the_clocks_change_has_as_many_slots_as_real_hours() -> None:
    night = [WorkingInterval(6, time(0), time(6))]  # Sundays, 00:00-06:00 local
    hours = WorkingHours.of("c-1", "Europe/Berlin", night)
    hour = timedelta(hours=1)
    assert len(hours.free_slots(date(2026, 3, 22), hour, [])) == 6
    assert len(hours.free_slots(date(2026, 3, 29), hour, [])) == 5  # 02:00 never happens
    assert len(hours.free_slots(date(2026, 10, 25), hour, [])) == 7  # 02:00 happens twice


def test_free_slots_skip_booked_intervals_and_the_past() -> None:
    hours = WorkingHours.of("c-1", "UTC", [WorkingInterval(0, time(9), time(11))])
    monday = date(2026, 3, 2)
    booked_at = [(_utc(monday, 9, 30), _utc(monday, 10, 15))]
    slots = hours.free_slots(monday, timedelta(minutes=30), booked_at)
    assert [s.time() for s, _ in slots] == [time(9), time(10, 30)]
    later = hours.free_slots(monday, timedelta(minutes=30), [], not_before=_utc(monday, 10))
    assert [s.time() for s, _ in later] == [time(10), time(10, 30)]


@pytest.mark.parametrize(
    ("zone", "intervals", "error"),
    [
        ("Mars/Olympus", WEEKDAYS_9_TO_5, UnknownTimeZone),
        ("../etc/passwd", WEEKDAYS_9_TO_5, UnknownTimeZone),
        ("localtime", WEEKDAYS_9_TO_5, UnknownTimeZone),
        ("", WEEKDAYS_9_TO_5, UnknownTimeZone),
        (
            "UTC",
            [WorkingInterval(0, time(9), time(12)), WorkingInterval(0, time(11), time(13))],
            InvalidWorkingHours,
        ),
    ],
)
def test_bad_working_hours_are_refused(
    zone: str, intervals: list[WorkingInterval], error: type[Exception]
) -> None:
    with pytest.raises(error):
        WorkingHours.of("c-1", zone, intervals)


def test_a_working_interval_is_one_weekday_forwards() -> None:
    with pytest.raises(InvalidWorkingHours):
        WorkingInterval(7, time(9), time(10))
    with pytest.raises(InvalidWorkingHours):
        WorkingInterval(0, time(17), time(9))


# --- patients -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(1990, 3, 2), date(2026, 3, 2), 36),
        (date(1990, 3, 3), date(2026, 3, 2), 35),
        (date(2004, 2, 29), date(2026, 2, 28), 21),
        (date(2004, 2, 29), date(2026, 3, 1), 22),
        (date(2026, 3, 2), date(2026, 3, 2), 0),
    ],
)
def test_age_is_whole_years(born: date, on: date, years: int) -> None:
    assert age(born, on) == years


def test_a_patient_is_checked_when_registered() -> None:
    name = HumanName.of("  Ada ", "Lovelace")
    assert name.given == "Ada"
    patient = Patient.register("p-1", name, date(1990, 1, 1), Gender.FEMALE, NOW, phone="+49 30 1")
    assert (patient.active, patient.age(date(2026, 3, 2))) == (True, 36)
    with pytest.raises(InvalidPatient):
        Patient.register("p-2", name, date(2026, 3, 3), Gender.OTHER, NOW)
    with pytest.raises(InvalidPatient):
        Patient.register("p-2", name, date(1990, 1, 1), Gender.OTHER, NOW, email="nope")
    with pytest.raises(InvalidPatient):
        HumanName.of("   ", "Lovelace")


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Europe/Berlin"))
