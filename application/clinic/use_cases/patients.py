"""Patient records: clinicians and admins create, change and search them; a user sees the
one linked to them. A search is audited as one query event (FHIR AuditEvent action E,
"perform a query/search operation"), naming no patient."""

from __future__ import annotations

from application.clinic.dto import (
    ChangePatientCommand,
    CreatePatientCommand,
    PatientSearchQuery,
    PatientView,
)
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import load_patient, require_staff
from application.clinic.use_cases.audit import Auditor
from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction
from domain.clinic.errors import PatientNotFound
from domain.clinic.patients import HumanName, Patient, PatientFilter
from domain.shared.unset import Unset

PATIENT = "Patient"


class CreatePatient:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: CreatePatientCommand) -> PatientView:
        async with self._audit.refusals(
            cmd.actor, AuditAction.CREATE, (PATIENT, ""), None, cmd.request_id
        ):
            require_staff(cmd.actor, "create patient records")
        if cmd.user_id is not None:
            check_id(cmd.user_id, "user id")
        name = HumanName.of(cmd.given, cmd.family)
        now = self._clock.now()
        patient = Patient.register(
            new_id(),
            name,
            cmd.birth_date,
            cmd.gender,
            now,
            identifier=cmd.identifier,
            phone=cmd.phone,
            email=cmd.email,
            user_id=cmd.user_id,
            active=cmd.active,
        )
        async with self._uow.write() as uow:
            await uow.patients.add(patient)
            entity = (PATIENT, patient.id)
            await self._audit.record(
                uow, cmd.actor, AuditAction.CREATE, entity, patient.id, cmd.request_id
            )
            await uow.commit()
        return PatientView.of(patient, now.date())


class GetPatient:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, patient_id: str, request_id: str | None = None
    ) -> PatientView:
        """A write unit of work: the read's audit event commits before the answer."""
        entity = (PATIENT, patient_id)
        read = AuditAction.READ
        async with (
            self._audit.refusals(actor, read, entity, patient_id, request_id),
            self._uow.write() as uow,
        ):
            patient = await load_patient(uow, actor, patient_id)
            await self._audit.record(uow, actor, read, entity, patient.id, request_id)
            await uow.commit()
        return PatientView.of(patient, self._clock.now().date())


class ChangePatient:
    """PATCH: only the given fields change (the user link never does). Who may not see the
    record gets a 404, as on a read; a user who may (their own) gets a 403."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: ChangePatientCommand) -> PatientView:
        entity = (PATIENT, cmd.patient_id)
        update = AuditAction.UPDATE
        today = self._clock.now().date()
        async with (
            self._audit.refusals(cmd.actor, update, entity, cmd.patient_id, cmd.request_id),
            self._uow.write() as uow,
        ):
            await load_patient(uow, cmd.actor, cmd.patient_id)  # 404 before 403
            require_staff(cmd.actor, "change patient records")
            patient = await uow.patients.get_for_update(cmd.patient_id)
            if patient is None:  # gone since it was read
                raise PatientNotFound.with_id(cmd.patient_id)
            patient.change(
                today,
                name=_name(patient.name, cmd),
                birth_date=cmd.birth_date,
                gender=cmd.gender,
                identifier=cmd.identifier,
                phone=cmd.phone,
                email=cmd.email,
                active=cmd.active,
            )
            await uow.patients.save(patient)
            await self._audit.record(uow, cmd.actor, update, entity, patient.id, cmd.request_id)
            await uow.commit()
        return PatientView.of(patient, today)


def _name(current: HumanName, cmd: ChangePatientCommand) -> HumanName | Unset:
    if isinstance(cmd.given, Unset) and isinstance(cmd.family, Unset):
        return cmd.given
    given = current.given if isinstance(cmd.given, Unset) else cmd.given
    family = current.family if isinstance(cmd.family, Unset) else cmd.family
    return HumanName.of(given, family)


class SearchPatients:
    """Clinicians and admins (else 403): by family name, given name, then id."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, query: PatientSearchQuery) -> Page[PatientView]:
        check_page(query.limit, query.offset)
        search = AuditAction.EXECUTE
        entity = (PATIENT, "")
        async with self._audit.refusals(query.actor, search, entity, None, query.request_id):
            require_staff(query.actor, "search patient records")
        where = PatientFilter(query.q, query.identifier, query.active)
        async with self._uow.write() as uow:
            page = await uow.patients.search(where, query.limit, query.offset)
            await self._audit.record(uow, query.actor, search, entity, None, query.request_id)
            await uow.commit()
        today = self._clock.now().date()
        views = [PatientView.of(patient, today) for patient in page.items]
        return Page(views, page.total, page.limit, page.offset)
