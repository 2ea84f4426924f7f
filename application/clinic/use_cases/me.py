"""A user's own patient record, its appointments and its prescriptions (`/patients/me`),
found through the link to their account; a caller linked to no record gets not found.
Audited as any read."""

from __future__ import annotations

from application.clinic.dto import AppointmentView, PatientView, PrescriptionView
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import own_patient
from application.clinic.use_cases.audit import Auditor
from application.clinic.use_cases.booking import APPOINTMENT
from application.clinic.use_cases.prescriptions import ListPatientPrescriptions
from application.shared.actor import Actor
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.clinic.audit import AuditAction

ME = "me"


class GetOwnPatient:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, actor: Actor, request_id: str | None = None) -> PatientView:
        read = AuditAction.READ
        async with (
            self._audit.refusals(actor, read, ("Patient", ME), None, request_id),
            self._uow.write() as uow,
        ):
            patient = await own_patient(uow, actor)
            entity = ("Patient", patient.id)
            await self._audit.record(uow, actor, read, entity, patient.id, request_id)
            await uow.commit()
        return PatientView.of(patient, self._clock.now().date())


class ListOwnPrescriptions:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._list = ListPatientPrescriptions(uow, clock)
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, limit: int = 50, offset: int = 0, request_id: str | None = None
    ) -> Page[PrescriptionView]:
        check_page(limit, offset)
        read = AuditAction.READ
        async with (
            self._audit.refusals(actor, read, ("Patient", ME), None, request_id),
            self._uow.read() as uow,
        ):
            patient = await own_patient(uow, actor)
        return await self._list.execute(actor, patient.id, limit, offset, request_id)


class ListOwnAppointments:
    """One read event per appointment listed."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, limit: int = 50, offset: int = 0, request_id: str | None = None
    ) -> Page[AppointmentView]:
        check_page(limit, offset)
        read = AuditAction.READ
        async with (
            self._audit.refusals(actor, read, ("Patient", ME), None, request_id),
            self._uow.write() as uow,
        ):
            patient = await own_patient(uow, actor)
            page = await uow.appointments.list_for_patient(patient.id, limit, offset)
            for a in page.items:
                entity = (APPOINTMENT, a.id)
                await self._audit.record(uow, actor, read, entity, patient.id, request_id)
            await uow.commit()
        views = [AppointmentView.of(a) for a in page.items]
        return Page(views, page.total, page.limit, page.offset)
