"""Appointments in SQL. No double booking is the storage's rule as well as the use case's.
On PostgreSQL the exclusion constraints of migration 0006 decide: they refuse an overlap
even from a transaction without the schedule locks (waiting for a concurrent one to
end). `add` inserts with ON CONFLICT DO NOTHING, a `save` at a savepoint (SQLSTATE
23P01 caught): either way the transaction goes on, and the refusal becomes SlotTaken
naming the appointment in the way. On SQLite (writers serialised) `add`, and a `save`
that makes an appointment hold an interval, check for an active overlap first, unless
`earliest_overlapping` just found that very interval free."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Select, bindparam, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.clinic.locks import lock_schedule, lock_schedules
from adapters.sql.tables.clinic import appointments
from adapters.sql.types import UtcDateTime
from application.clinic.ports import AppointmentRepository
from application.shared.paging import Page
from application.shared.ports import StorageConflict
from domain.clinic.appointments import ACTIVE, LONGEST, Appointment, AppointmentStatus
from domain.clinic.errors import SlotTaken

_EXCLUSION_VIOLATION = "23P01"  # PostgreSQL SQLSTATE
_A = appointments.c
_ONE = select(appointments).where(_A.id == bindparam("appointment_id"))
_ONE_FOR_UPDATE = _ONE.with_for_update()  # SQLite: the writer holds BEGIN IMMEDIATE
_INSERT = insert(appointments)
# No conflict target: the exclusion constraints are arbiters too. A clash is 0 rows, not
# an error that would abort the transaction, so no savepoint round trips around it.
_INSERT_UNLESS_TAKEN = postgresql.insert(appointments).on_conflict_do_nothing()
_OF_PATIENT = _A.patient_id == bindparam("patient_id")
_PATIENT_PAGE = (
    select(appointments)
    .where(_OF_PATIENT)
    .order_by(_A.created_at.desc(), _A.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_PATIENT_COUNT = select(func.count()).select_from(appointments).where(_OF_PATIENT)
_SAVE = update(appointments).where(_A.id == bindparam("appointment_id"))
# `reach`: no appointment lasts longer than LONGEST (the domain's rule), so one that
# overlaps [start, end) starts after start - LONGEST. Without that bound the (person,
# start) indexes would be read from the person's first appointment on, every time.
_HOLDING = (
    select(appointments)
    .where(
        _A.status.in_([s.value for s in ACTIVE]),
        _A.start < bindparam("end", type_=UtcDateTime),
        _A.start > bindparam("reach", type_=UtcDateTime),
        _A.end > bindparam("start", type_=UtcDateTime),
    )
    .order_by(_A.start, _A.id)
)
_BY_CLINICIAN = _HOLDING.where(_A.clinician_id == bindparam("clinician_id"))
_BY_PATIENT = _HOLDING.where(_A.patient_id == bindparam("patient_id"))
_BY_EITHER = _HOLDING.where(
    or_(_A.clinician_id == bindparam("clinician_id"), _A.patient_id == bindparam("patient_id")),
    _A.id != bindparam("appointment_id"),
).limit(1)


def _values(appointment: Appointment) -> dict[str, Any]:
    return {**vars(appointment), "status": appointment.status.value}


def _appointment(row: Any) -> Appointment:
    fields = dict(row._mapping)
    return Appointment(**{**fields, "status": AppointmentStatus(fields["status"])})


def _is_exclusion_violation(error: sqlalchemy.exc.IntegrityError) -> bool:
    return any(
        getattr(candidate, "sqlstate", None) == _EXCLUSION_VIOLATION
        for candidate in (error.orig, getattr(error.orig, "__cause__", None))
    )


class SqlAppointmentRepository(AppointmentRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection
        # What earliest_overlapping last found free in this transaction: the add of that
        # very appointment next need not ask again (a write in between forgets it).
        self._found_free: tuple[object, ...] | None = None

    async def lock_clinician(self, clinician_id: str) -> None:
        await lock_schedule(self._db, "clinician", clinician_id)

    async def lock_patient(self, patient_id: str) -> None:
        await lock_schedule(self._db, "patient", patient_id)

    async def lock_schedules(self, clinician_id: str, patient_id: str) -> None:
        await lock_schedules(self._db, clinician_id, patient_id)

    async def add(self, appointment: Appointment) -> None:
        start, end = _interval(appointment)
        if start is None or end is None or not _is_postgres(self._db):
            await self._write_holding(appointment, _INSERT, _values(appointment))
            return
        self._found_free = None
        for _ in range(2):
            inserted = await self._db.execute(_INSERT_UNLESS_TAKEN, _values(appointment))
            if inserted.rowcount == 1:
                return
            # The exclusion constraint refused it (after waiting for a concurrent booking
            # of the interval to commit): name the one in the way.
            await self._refuse_overlap(appointment, start, end)
            # None left: it was cancelled meanwhile, so the interval is free; try again.
        raise StorageConflict("the appointment's interval kept changing hands")

    async def get(self, appointment_id: str) -> Appointment | None:
        return await self._one(_ONE, appointment_id)

    async def get_for_update(self, appointment_id: str) -> Appointment | None:
        return await self._one(_ONE_FOR_UPDATE, appointment_id)

    async def save(self, appointment: Appointment) -> None:
        values = _values(appointment)
        del values["id"], values["created_at"]  # never change
        stored = await self.get(appointment.id)
        if stored is None:
            return  # no such appointment: nothing to write back, as on memory
        params = {**values, "appointment_id": appointment.id}
        if _interval(appointment) != _interval(stored):  # it newly takes an interval
            await self._write_holding(appointment, _SAVE, params)
        else:
            await self._db.execute(_SAVE, params)

    async def active_overlapping(
        self,
        start: datetime,
        end: datetime,
        *,
        clinician_id: str | None = None,
        patient_id: str | None = None,
    ) -> Sequence[Appointment]:
        if (clinician_id is None) == (patient_id is None):
            raise ValueError("give exactly one of clinician_id and patient_id")
        bounds = {"start": start, "end": end, "reach": start - LONGEST}
        if clinician_id is not None:
            rows = await self._db.execute(_BY_CLINICIAN, {**bounds, "clinician_id": clinician_id})
        else:
            rows = await self._db.execute(_BY_PATIENT, {**bounds, "patient_id": patient_id})
        return [_appointment(row) for row in rows]

    async def earliest_overlapping(self, appointment: Appointment) -> Appointment | None:
        start, end = _interval(appointment)
        if start is None or end is None:
            raise ValueError("only an appointment with an interval holds one")
        row = await self._earliest(appointment, start, end)
        self._found_free = _holding(appointment) if row is None else None
        return _appointment(row) if row is not None else None

    async def _write_holding(self, appointment: Appointment, statement: Any, params: Any) -> None:
        """Insert or update an appointment, refusing an active overlap with SlotTaken."""
        start, end = _interval(appointment)
        found_free, self._found_free = self._found_free, None
        if start is None or end is None:
            await self._db.execute(statement, params)
            return
        if not _is_postgres(self._db):
            # Writers are serialised (BEGIN IMMEDIATE): a check earlier in this
            # transaction still holds, else check now.
            if found_free != _holding(appointment):
                await self._refuse_overlap(appointment, start, end)
            await self._db.execute(statement, params)
            return
        # PostgreSQL: the exclusion constraint decides (waiting for a concurrent booking
        # of the interval to end) and the refusal is named below.
        try:
            async with self._db.begin_nested():
                await self._db.execute(statement, params)
        except sqlalchemy.exc.IntegrityError as error:
            if not _is_exclusion_violation(error):
                raise
            # A concurrent booking without the locks committed first: name it.
            await self._refuse_overlap(appointment, start, end)
            raise  # it was cancelled meanwhile: a real conflict nonetheless

    async def _refuse_overlap(
        self, appointment: Appointment, start: datetime, end: datetime
    ) -> None:
        row = await self._earliest(appointment, start, end)
        if row is not None:
            raise SlotTaken.by(row.id)

    async def _earliest(self, appointment: Appointment, start: datetime, end: datetime) -> Any:
        params = {
            "start": start,
            "end": end,
            "reach": start - LONGEST,
            "clinician_id": appointment.clinician_id,
            "patient_id": appointment.patient_id,
            "appointment_id": appointment.id,
        }
        return (await self._db.execute(_BY_EITHER, params)).first()

    async def list_for_patient(self, patient_id: str, limit: int, offset: int) -> Page[Appointment]:
        params = {"patient_id": patient_id, "limit": limit, "offset": offset}
        total = (await self._db.execute(_PATIENT_COUNT, params)).scalar_one()
        rows = await self._db.execute(_PATIENT_PAGE, params)
        return Page([_appointment(row) for row in rows], total, limit, offset)

    async def _one(self, statement: Select[Any], appointment_id: str) -> Appointment | None:
        row = (await self._db.execute(statement, {"appointment_id": appointment_id})).first()
        return _appointment(row) if row else None


def _is_postgres(connection: AsyncConnection) -> bool:
    return (
        getattr(connection, "dialect", None) is not None and connection.dialect.name == "postgresql"
    )


def _holding(appointment: Appointment) -> tuple[object, ...]:
    """Who holds which interval: what an overlap check was about."""
    return (
        appointment.id,
        appointment.clinician_id,
        appointment.patient_id,
        *_interval(appointment),
    )


def _interval(appointment: Appointment) -> tuple[datetime | None, datetime | None]:
    """The interval the appointment holds: none unless it is active."""
    if not appointment.is_active:
        return None, None
    return appointment.start, appointment.end
