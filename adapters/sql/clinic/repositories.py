"""Patients and working hours in SQL. Appointments are in appointments.py."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.clinic.locks import lock_schedule
from adapters.sql.conflicts import is_unique_violation
from adapters.sql.tables.clinic import patients, working_hours
from application.clinic.ports import PatientRepository, WorkingHoursRepository
from application.shared.paging import Page
from domain.clinic.errors import IdentifierTaken, PatientAlreadyLinked
from domain.clinic.patients import Gender, HumanName, Patient, PatientFilter
from domain.clinic.schedule import WorkingHours, WorkingInterval

# Any unique key taken (id, identifier or user) is 0 rows, not an error that would abort
# a PostgreSQL transaction; which one is then looked up.
_INSERT_PATIENT = {
    "postgresql": postgresql.insert(patients).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(patients).on_conflict_do_nothing(),
}
_PATIENT = select(patients).where(patients.c.id == bindparam("patient_id"))
_PATIENT_FOR_UPDATE = _PATIENT.with_for_update()
_other = patients.alias("other")
# 0 rows when another patient has the identifier (NULL never equals anything).
_SAVE_PATIENT = (
    update(patients)
    .where(patients.c.id == bindparam("patient_id"))
    .where(
        ~exists().where(
            _other.c.identifier == bindparam("new_identifier"), _other.c.id != patients.c.id
        )
    )
)
# Binary order of the text, as in memory and on SQLite (not the database's locale).
_SEARCH_ORDER = {
    "postgresql": tuple(c.collate("C") for c in (patients.c.family, patients.c.given)),
    "sqlite": (patients.c.family, patients.c.given),
}
_BY_USER = select(patients).where(patients.c.user_id == bindparam("user_id"))
_BY_IDENTIFIER = select(patients.c.id).where(patients.c.identifier == bindparam("identifier"))
_HOURS = select(working_hours).where(working_hours.c.clinician_id == bindparam("clinician_id"))
_UPSERT_HOURS = {
    name: dialect.insert(working_hours).on_conflict_do_update(
        index_elements=["clinician_id"],
        set_={
            "time_zone": dialect.insert(working_hours).excluded.time_zone,
            "intervals": dialect.insert(working_hours).excluded.intervals,
        },
    )
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _dialect(connection: AsyncConnection) -> str:
    dialect = getattr(connection, "dialect", None)  # SQLite's inline reads name none
    return dialect.name if dialect is not None else "sqlite"


def _patient_values(patient: Patient) -> dict[str, Any]:
    values = dict(vars(patient))
    name: HumanName = values.pop("name")
    values.update(given=name.given, family=name.family, gender=patient.gender.value)
    return values


def _patient(row: Any) -> Patient:
    fields = dict(row._mapping)
    name = HumanName(fields.pop("given"), fields.pop("family"))
    return Patient(**{**fields, "name": name, "gender": Gender(fields["gender"])})


class SqlPatientRepository(PatientRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, patient: Patient) -> None:
        statement = _INSERT_PATIENT[_dialect(self._db)]
        if (await self._db.execute(statement, _patient_values(patient))).rowcount == 1:
            return
        if patient.identifier is not None:
            taken = await self._db.execute(_BY_IDENTIFIER, {"identifier": patient.identifier})
            if taken.first() is not None:
                raise IdentifierTaken(f"identifier {patient.identifier!r} is taken")
        raise PatientAlreadyLinked("the user is linked to another patient record")

    async def get(self, patient_id: str) -> Patient | None:
        row = (await self._db.execute(_PATIENT, {"patient_id": patient_id})).first()
        return _patient(row) if row else None

    async def get_by_user(self, user_id: str) -> Patient | None:
        row = (await self._db.execute(_BY_USER, {"user_id": user_id})).first()
        return _patient(row) if row else None

    async def get_for_update(self, patient_id: str) -> Patient | None:
        row = (await self._db.execute(_PATIENT_FOR_UPDATE, {"patient_id": patient_id})).first()
        return _patient(row) if row else None

    async def save(self, patient: Patient) -> None:
        values = _patient_values(patient)
        for unchanged in ("id", "user_id", "created_at"):
            del values[unchanged]
        params = {**values, "patient_id": patient.id, "new_identifier": patient.identifier}
        try:
            saved = (await self._db.execute(_SAVE_PATIENT, params)).rowcount
        except IntegrityError as error:
            # PostgreSQL only: another transaction took the identifier, unseen by the
            # check while uncommitted, and committed while this UPDATE waited on it.
            if is_unique_violation(error):
                raise IdentifierTaken(f"identifier {patient.identifier!r} is taken") from error
            raise
        if saved == 0 and await self.get(patient.id) is not None:
            raise IdentifierTaken(f"identifier {patient.identifier!r} is taken")

    async def search(self, where: PatientFilter, limit: int, offset: int) -> Page[Patient]:
        conditions = []
        if where.identifier is not None:
            conditions.append(patients.c.identifier == where.identifier)
        if where.active is not None:
            conditions.append(patients.c.active == where.active)
        if where.q is not None:
            # lower() on both sides (SQLite's folds ASCII only); wildcards in q match
            # literally (autoescape).
            needle = where.q.lower()
            conditions.append(
                func.lower(patients.c.given).contains(needle, autoescape=True)
                | func.lower(patients.c.family).contains(needle, autoescape=True)
            )
        page = (
            select(patients)
            .where(*conditions)
            .order_by(*_SEARCH_ORDER[_dialect(self._db)], patients.c.id)
        )
        rows = (await self._db.execute(page.limit(limit).offset(offset))).all()
        count = select(func.count()).select_from(patients).where(*conditions)
        total = (await self._db.execute(count)).scalar_one()
        return Page([_patient(row) for row in rows], total, limit, offset)


def _intervals_json(hours: WorkingHours) -> str:
    return json.dumps(
        [[i.weekday, i.start.isoformat(), i.end.isoformat()] for i in hours.intervals]
    )


def _hours(row: Any) -> WorkingHours:
    intervals = tuple(
        WorkingInterval(weekday, time.fromisoformat(start), time.fromisoformat(end))
        for weekday, start, end in json.loads(row.intervals)
    )
    return WorkingHours(row.clinician_id, row.time_zone, intervals)


class SqlWorkingHoursRepository(WorkingHoursRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def get(self, clinician_id: str) -> WorkingHours | None:
        row = (await self._db.execute(_HOURS, {"clinician_id": clinician_id})).first()
        return _hours(row) if row else None

    async def get_for_update(self, clinician_id: str) -> WorkingHours | None:
        # A lock row of its own: the hours row may not exist yet.
        await lock_schedule(self._db, "working_hours", clinician_id)
        return await self.get(clinician_id)

    async def save(self, hours: WorkingHours) -> None:
        values = {
            "clinician_id": hours.clinician_id,
            "time_zone": hours.time_zone,
            "intervals": _intervals_json(hours),
        }
        await self._db.execute(_UPSERT_HOURS[_dialect(self._db)], values)
