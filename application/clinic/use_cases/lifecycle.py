"""Moving appointments through FHIR's statuses. The entity says which moves are legal;
here, who may make them: a linked patient cancels their own, clinicians and admins move
any, and only an admin marks one entered-in-error."""

from __future__ import annotations

from application.clinic.dto import AppointmentView, ChangeAppointmentStatusCommand
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import (
    hold_interval,
    load_appointment,
    require_admin,
    require_staff,
)
from application.clinic.use_cases.audit import Auditor
from application.clinic.use_cases.booking import APPOINTMENT
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.clinic.appointments import AppointmentStatus
from domain.clinic.audit import AuditAction
from domain.clinic.errors import IllegalTransition


class ChangeAppointmentStatus:
    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: ChangeAppointmentStatusCommand) -> AppointmentView:
        target, actor = cmd.status, cmd.actor
        entity, update = (APPOINTMENT, cmd.appointment_id), AuditAction.UPDATE
        async with (
            self._audit.refusals(actor, update, entity, None, cmd.request_id),
            self._uow.write() as uow,
        ):
            appointment = await load_appointment(uow, actor, cmd.appointment_id, lock=True)
            _check_may(actor, target)
            if not appointment.can_become(target):
                raise IllegalTransition(appointment.status.value, target.value)
            if target is AppointmentStatus.BOOKED and not appointment.is_active:
                await hold_interval(uow, appointment)  # a proposal taken up
            appointment.move(target, self._clock.now(), cmd.reason)
            await uow.appointments.save(appointment)
            patient_id = appointment.patient_id
            await self._audit.record(uow, actor, update, entity, patient_id, cmd.request_id)
            await uow.commit()
        return AppointmentView.of(appointment)


def _check_may(actor: Actor, target: AppointmentStatus) -> None:
    """Cancelling needs only to see the appointment (checked when it was loaded)."""
    if target is AppointmentStatus.ENTERED_IN_ERROR:
        require_admin(actor, "mark an appointment entered in error")
    elif target is not AppointmentStatus.CANCELLED:
        require_staff(actor, f"move an appointment to {target.value}")


class CancelAppointment:
    """Cancel (with an optional reason): the patient's own, or any for staff."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._change = ChangeAppointmentStatus(uow, clock)

    async def execute(
        self,
        actor: Actor,
        appointment_id: str,
        reason: str | None = None,
        request_id: str | None = None,
    ) -> AppointmentView:
        command = ChangeAppointmentStatusCommand(
            actor, appointment_id, AppointmentStatus.CANCELLED, reason, request_id
        )
        return await self._change.execute(command)
