"""Patient records: clinicians and admins create them; a user sees the one linked to them."""

from __future__ import annotations

from application.clinic.dto import CreatePatientCommand, PatientView
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import load_patient, require_staff
from application.clinic.use_cases.audit import Auditor
from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction
from domain.clinic.patients import HumanName, Patient

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
