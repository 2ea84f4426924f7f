"""Changing and searching patient records: only the given fields change, every rule is
checked before anything is written, who may not see a record gets PatientNotFound (a
user gets Forbidden for their own), and each change, search and refusal is audited."""

from __future__ import annotations

from datetime import date

import pytest

from application.clinic.dto import ChangePatientCommand, PatientSearchQuery
from domain.clinic.audit import AuditAction, AuditEvent, AuditOutcome
from domain.clinic.errors import IdentifierTaken, InvalidPatient, PatientNotFound
from domain.clinic.patients import Gender
from domain.shared.errors import Forbidden, InvalidInput
from tests.unit.clinic.clinic_helpers import ADMIN, Clinic


def events(clinic: Clinic) -> list[AuditEvent]:
    """In the order they were appended (the clock stands still; ids are not ordered)."""
    return list(clinic.table("audit_events").values())


async def test_only_the_given_fields_change(clinic: Clinic) -> None:
    doctor = await clinic.clinician(hours=False)
    ada = await clinic.patient(identifier="MRN-1", phone="+44 20 7946 0000")
    change = clinic.use_cases.change_patient()

    view = await change.execute(
        ChangePatientCommand(doctor, ada.id, family="King", gender=Gender.OTHER, phone=None)
    )

    assert (view.given, view.family, view.gender) == ("Ada", "King", Gender.OTHER)
    assert (view.identifier, view.phone, view.email, view.active) == ("MRN-1", None, None, True)
    read = await clinic.use_cases.get_patient().execute(ADMIN, ada.id)
    assert read == view
    deactivated = await change.execute(ChangePatientCommand(ADMIN, ada.id, active=False))
    assert (deactivated.active, deactivated.family) == (False, "King")


async def test_an_invalid_change_writes_nothing(clinic: Clinic) -> None:
    ada = await clinic.patient(identifier="MRN-1")
    await clinic.patient(identifier="MRN-2")
    change = clinic.use_cases.change_patient()

    with pytest.raises(InvalidPatient):
        await change.execute(
            ChangePatientCommand(ADMIN, ada.id, given="Eve", birth_date=date(2999, 1, 1))
        )
    with pytest.raises(InvalidPatient):
        await change.execute(ChangePatientCommand(ADMIN, ada.id, family=" ", active=False))
    with pytest.raises(IdentifierTaken):
        await change.execute(ChangePatientCommand(ADMIN, ada.id, given="Eve", identifier="MRN-2"))

    read = await clinic.use_cases.get_patient().execute(ADMIN, ada.id)
    assert (read.given, read.family, read.identifier, read.active) == (
        "Ada",
        "Lovelace",
        "MRN-1",
        True,
    )


async def test_a_change_is_audited_and_refusals_follow_the_read_rule(clinic: Clinic) -> None:
    alice = await clinic.user("alice")
    bob = await clinic.user("bob")
    ada = await clinic.patient(linked_to=alice)
    change = clinic.use_cases.change_patient()
    before = events(clinic)

    await change.execute(ChangePatientCommand(ADMIN, ada.id, given="Augusta", request_id="r-1"))
    with pytest.raises(PatientNotFound):
        await change.execute(ChangePatientCommand(bob, ada.id, given="Eve"))
    with pytest.raises(Forbidden):
        await change.execute(ChangePatientCommand(alice, ada.id, given="Eve"))

    new = [(e.actor_id, e.action, e.entity_id, e.patient_id, e.outcome, e.request_id)
           for e in events(clinic) if e not in before]  # fmt: skip
    update = AuditAction.UPDATE
    assert new == [
        (ADMIN.user_id, update, ada.id, ada.id, AuditOutcome.SUCCESS, "r-1"),
        (bob.user_id, update, ada.id, ada.id, AuditOutcome.FAILURE, None),
        (alice.user_id, update, ada.id, ada.id, AuditOutcome.FAILURE, None),
    ]
    assert (await clinic.use_cases.get_patient().execute(ADMIN, ada.id)).given == "Augusta"


async def test_staff_search_and_each_search_is_one_query_event(clinic: Clinic) -> None:
    doctor = await clinic.clinician(hours=False)
    ada = await clinic.patient()
    alan = await clinic.patient(given="Alan")
    grace = await clinic.patient(given="Grace", family="Hopper", active=False)
    search = clinic.use_cases.search_patients()
    before = events(clinic)

    page = await search.execute(PatientSearchQuery(doctor, q="lovelace", request_id="r-2"))
    assert [v.id for v in page.items] == [ada.id, alan.id]
    assert page.total == 2
    inactive = await search.execute(PatientSearchQuery(ADMIN, active=False))
    assert [v.id for v in inactive.items] == [grace.id]
    paged = await search.execute(PatientSearchQuery(ADMIN, limit=1, offset=1))
    assert ([v.id for v in paged.items], paged.total) == ([ada.id], 3)

    new = [(e.actor_id, e.action, e.entity_type, e.entity_id, e.patient_id, e.request_id)
           for e in events(clinic) if e not in before]  # fmt: skip
    query = AuditAction.EXECUTE
    assert new == [
        (doctor.user_id, query, "Patient", "", None, "r-2"),
        (ADMIN.user_id, query, "Patient", "", None, None),
        (ADMIN.user_id, query, "Patient", "", None, None),
    ]


async def test_a_user_may_not_search_and_is_audited(clinic: Clinic) -> None:
    alice = await clinic.user("alice")
    await clinic.patient(linked_to=alice)
    search = clinic.use_cases.search_patients()
    before = events(clinic)

    with pytest.raises(Forbidden):
        await search.execute(PatientSearchQuery(alice))
    with pytest.raises(InvalidInput):
        await search.execute(PatientSearchQuery(ADMIN, limit=0))

    new = [(e.actor_id, e.action, e.outcome) for e in events(clinic) if e not in before]
    assert new == [(alice.user_id, AuditAction.EXECUTE, AuditOutcome.FAILURE)]
