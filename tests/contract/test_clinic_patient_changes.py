"""Changing and searching patients behaves alike on memory, SQLite and PostgreSQL: a
save keeps identifiers unique (and frees the old one; of racing changes to one
identifier exactly one wins), a search matches part of a name in any case with `%` and
`_` taken literally, and pages in one stable order."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from application.clinic.dto import ChangePatientCommand, PatientView
from application.clinic.use_cases.patients import ChangePatient
from domain.clinic.errors import IdentifierTaken
from domain.clinic.patients import Gender, HumanName, Patient, PatientFilter
from domain.shared.unset import UNSET
from tests.contract.builders import T0
from tests.contract.clinic_builders import ADMIN, add_patients, new_patient
from tests.support.clock import ManualClock
from tests.support.storage import Uows


def _named(
    patient_id: str, given: str, family: str, identifier: str | None = None, active: bool = True
) -> Patient:
    name = HumanName.of(given, family)
    return Patient.register(
        patient_id, name, date(1980, 1, 1), Gender.OTHER, T0, identifier=identifier, active=active
    )


def _change(patient: Patient, **fields: object) -> None:
    given: dict[str, object] = dict.fromkeys(
        ("name", "birth_date", "gender", "identifier", "phone", "email", "active"), UNSET
    )
    patient.change(T0.date(), **(given | fields))  # type: ignore[arg-type]


async def test_a_saved_patient_round_trips(uows: Uows) -> None:
    await add_patients(uows, new_patient("p-1", identifier="MRN-1", user_id="u-ada"))
    async with uows.clinic().write() as uow:
        patient = await uow.patients.get_for_update("p-1")
        assert patient is not None
        _change(
            patient,
            name=HumanName.of("Augusta", "King"),
            birth_date=date(1815, 12, 10),
            identifier="MRN-9",
            phone=None,
            active=False,
        )
        await uow.patients.save(patient)
        await uow.commit()
    async with uows.clinic().read() as uow:
        loaded = await uow.patients.get("p-1")
    assert loaded is not None
    assert vars(loaded) == vars(patient)
    assert (loaded.identifier, loaded.phone, loaded.user_id) == ("MRN-9", None, "u-ada")


async def test_a_save_keeps_identifiers_unique_and_frees_the_old_one(uows: Uows) -> None:
    await add_patients(
        uows, new_patient("p-1", identifier="MRN-1"), new_patient("p-2", identifier="MRN-2")
    )
    async with uows.clinic().write() as uow:
        second = await uow.patients.get_for_update("p-2")
        assert second is not None
        _change(second, identifier="MRN-1")
        with pytest.raises(IdentifierTaken):
            await uow.patients.save(second)
    async with uows.clinic().write() as uow:
        first = await uow.patients.get_for_update("p-1")
        assert first is not None
        _change(first, identifier=None)
        await uow.patients.save(first)
        await uow.commit()
    async with uows.clinic().write() as uow:  # MRN-1 is free again
        second = await uow.patients.get_for_update("p-2")
        assert second is not None
        _change(second, identifier="MRN-1")
        await uow.patients.save(second)
        await uow.commit()
    async with uows.clinic().read() as uow:
        found = await uow.patients.search(PatientFilter(identifier="MRN-1"), 10, 0)
        assert [p.id for p in found.items] == ["p-2"]
        assert (await uow.patients.search(PatientFilter(identifier="MRN-2"), 10, 0)).total == 0


async def test_a_search_matches_names_in_any_case_and_wildcards_literally(uows: Uows) -> None:
    await add_patients(
        uows,
        _named("p-ada", "Ada", "Lovelace", identifier="MRN-1"),
        _named("p-alan", "Alan", "Lovelace"),
        _named("p-grace", "Grace", "Hopper"),
        _named("p-pct", "100%", "Sure_ly", active=False),
        _named("p-plain", "1000", "Surely"),
    )

    async def ids(where: PatientFilter) -> list[str]:
        async with uows.clinic().read() as uow:
            return [p.id for p in (await uow.patients.search(where, 50, 0)).items]

    assert await ids(PatientFilter()) == ["p-grace", "p-ada", "p-alan", "p-pct", "p-plain"]
    assert await ids(PatientFilter(q="LOVE")) == ["p-ada", "p-alan"]
    assert await ids(PatientFilter(q="race")) == ["p-grace"]
    assert await ids(PatientFilter(q="%")) == ["p-pct"]
    assert await ids(PatientFilter(q="e_l")) == ["p-pct"]
    assert await ids(PatientFilter(q="10%")) == []
    assert await ids(PatientFilter(identifier="MRN-1")) == ["p-ada"]
    assert await ids(PatientFilter(identifier="mrn-1")) == []
    assert await ids(PatientFilter(active=False)) == ["p-pct"]
    assert await ids(PatientFilter(q="a", active=True)) == ["p-grace", "p-ada", "p-alan"]


async def test_a_search_pages_in_a_stable_order(uows: Uows) -> None:
    # Same names: the id breaks the tie; an uppercase family sorts before a lowercase one.
    await add_patients(
        uows,
        _named("p-3", "Ann", "Smith"),
        _named("p-1", "Ann", "Smith"),
        _named("p-2", "Bob", "Smith"),
        _named("p-4", "Zed", "smith"),
    )
    async with uows.clinic().read() as uow:
        first = await uow.patients.search(PatientFilter(), 2, 0)
        second = await uow.patients.search(PatientFilter(), 2, 2)
    assert [p.id for p in first.items + second.items] == ["p-1", "p-3", "p-2", "p-4"]
    assert (first.total, first.next_offset, second.next_offset) == (4, 2, None)


async def test_of_racing_changes_to_one_identifier_exactly_one_wins(uows: Uows) -> None:
    racers = [f"p-{i}" for i in range(8)]
    await add_patients(uows, *(new_patient(patient_id) for patient_id in racers))
    clock = ManualClock(T0)

    async def claim(patient_id: str) -> PatientView:
        command = ChangePatientCommand(ADMIN, patient_id, identifier="MRN-RACE")
        return await ChangePatient(uows.clinic(), clock).execute(command)

    results = await asyncio.gather(*(claim(p) for p in racers), return_exceptions=True)
    won = [r for r in results if isinstance(r, PatientView)]
    lost = [r for r in results if isinstance(r, IdentifierTaken)]
    assert (len(won), len(lost)) == (1, len(racers) - 1), results
    async with uows.clinic().read() as uow:
        found = await uow.patients.search(PatientFilter(identifier="MRN-RACE"), 10, 0)
    assert [p.id for p in found.items] == [won[0].id]
