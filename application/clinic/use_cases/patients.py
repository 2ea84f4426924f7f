"""Patient records: clinicians and admins create them; a user sees the one linked to them."""

from __future__ import annotations

from application.clinic.dto import CreatePatientCommand, PatientView
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import load_patient, require_staff
from application.shared.actor import Actor
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from domain.clinic.patients import HumanName, Patient


class CreatePatient:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, cmd: CreatePatientCommand) -> PatientView:
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
            await uow.commit()
        return PatientView.of(patient, now.date())


class GetPatient:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, patient_id: str) -> PatientView:
        async with self._uow.read() as uow:
            patient = await load_patient(uow, actor, patient_id)
        return PatientView.of(patient, self._clock.now().date())
