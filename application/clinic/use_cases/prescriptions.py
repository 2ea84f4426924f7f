"""Prescriptions: only clinicians prescribe and move them (the entity says which moves
are legal); staff see any, a user those of the record linked to them (else not found).
Every read, change and refusal is audited."""

from __future__ import annotations

from application.clinic.dto import (
    ChangePrescriptionStatusCommand,
    PrescribeCommand,
    PrescriptionView,
)
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import load_patient, sees_records_of
from application.clinic.use_cases.audit import Auditor
from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction
from domain.clinic.errors import PrescriptionNotFound
from domain.clinic.prescriptions import Medication, Prescription
from domain.shared.errors import Forbidden
from domain.shared.roles import Role

PRESCRIPTION = "Prescription"


def require_clinician_role(actor: Actor, action: str) -> None:
    if actor.role is not Role.CLINICIAN:
        raise Forbidden(f"only clinicians may {action}")


async def load_prescription(
    uow: ClinicUnitOfWork, actor: Actor, prescription_id: str, lock: bool
) -> Prescription:
    check_id(prescription_id, "prescription id")
    repository = uow.prescriptions
    found = await (repository.get_for_update if lock else repository.get)(prescription_id)
    if found is None:
        raise PrescriptionNotFound.with_id(prescription_id)
    if not await sees_records_of(uow, actor, found.patient_id):
        raise PrescriptionNotFound.with_id(prescription_id)
    return found


class Prescribe:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: PrescribeCommand) -> PrescriptionView:
        create = AuditAction.CREATE
        attempt = (cmd.actor, create, (PRESCRIPTION, ""), cmd.patient_id, cmd.request_id)
        async with self._audit.refusals(*attempt):
            require_clinician_role(cmd.actor, "prescribe")
            check_id(cmd.patient_id, "patient id")
            medication = Medication.of(
                cmd.medication_text, cmd.medication_code, cmd.medication_system
            )
            prescription = Prescription.prescribe(
                new_id(), cmd.patient_id, cmd.actor.user_id, medication,
                cmd.dosage_instruction, cmd.quantity, cmd.refills, cmd.valid_until,
                self._clock.now(), cmd.status,
            )  # fmt: skip
            async with self._uow.write() as uow:
                await load_patient(uow, cmd.actor, cmd.patient_id)
                await uow.prescriptions.add(prescription)
                entity = (PRESCRIPTION, prescription.id)
                await self._audit.record(
                    uow, cmd.actor, create, entity, cmd.patient_id, cmd.request_id
                )
                await uow.commit()
        return PrescriptionView.of(prescription)


class GetPrescription:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, prescription_id: str, request_id: str | None = None
    ) -> PrescriptionView:
        entity, read = (PRESCRIPTION, prescription_id), AuditAction.READ
        async with (
            self._audit.refusals(actor, read, entity, None, request_id),
            self._uow.write() as uow,
        ):
            found = await load_prescription(uow, actor, prescription_id, lock=False)
            await self._audit.record(uow, actor, read, entity, found.patient_id, request_id)
            await uow.commit()
        return PrescriptionView.of(found)


class ListPatientPrescriptions:
    """One read event per prescription listed."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._audit = Auditor(uow, clock)

    async def execute(
        self,
        actor: Actor,
        patient_id: str,
        limit: int = 50,
        offset: int = 0,
        request_id: str | None = None,
    ) -> Page[PrescriptionView]:
        check_page(limit, offset)
        read = AuditAction.READ
        async with (
            self._audit.refusals(actor, read, ("Patient", patient_id), patient_id, request_id),
            self._uow.write() as uow,
        ):
            patient = await load_patient(uow, actor, patient_id)
            page = await uow.prescriptions.list_for_patient(patient.id, limit, offset)
            for p in page.items:
                entity = (PRESCRIPTION, p.id)
                await self._audit.record(uow, actor, read, entity, patient.id, request_id)
            await uow.commit()
        views = [PrescriptionView.of(p) for p in page.items]
        return Page(views, page.total, page.limit, page.offset)


class ChangePrescriptionStatus:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: ChangePrescriptionStatusCommand) -> PrescriptionView:
        actor, update = cmd.actor, AuditAction.UPDATE
        entity = (PRESCRIPTION, cmd.prescription_id)
        async with (
            self._audit.refusals(actor, update, entity, None, cmd.request_id),
            self._uow.write() as uow,
        ):
            found = await load_prescription(uow, actor, cmd.prescription_id, lock=True)
            require_clinician_role(actor, "change a prescription's status")
            found.move(cmd.status, self._clock.now())
            await uow.prescriptions.save(found)
            await self._audit.record(uow, actor, update, entity, found.patient_id, cmd.request_id)
            await uow.commit()
        return PrescriptionView.of(found)
