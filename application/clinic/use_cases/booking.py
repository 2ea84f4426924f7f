"""Booking an appointment: who may, within the clinician's working hours, never over
another active appointment of the clinician or of the patient, at most once per key."""

from __future__ import annotations

from datetime import UTC

from application.clinic.dto import AppointmentView, BookAppointmentCommand
from application.clinic.ports import ClinicUnitOfWork
from application.clinic.use_cases.access import (
    hold_interval,
    load_appointment,
    load_bookable_patient,
    require_clinician,
)
from application.clinic.use_cases.audit import Auditor
from application.shared.actor import Actor
from application.shared.events import NO_EVENTS, BusinessEvent, BusinessEvents
from application.shared.idempotency import Claim, IdempotencyKeys, Replay, fingerprint
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from domain.clinic.appointments import Appointment, check_interval, clean_reason
from domain.clinic.audit import AuditAction
from domain.clinic.errors import AppointmentNotFound, OutsideWorkingHours, SlotTaken

APPOINTMENT = "Appointment"


class BookAppointment:
    def __init__(
        self, uow: ClinicUnitOfWork, clock: Clock, events: BusinessEvents = NO_EVENTS
    ) -> None:
        self._uow = uow
        self._events = events
        self._clock = clock
        self._keys = IdempotencyKeys(uow, clock)
        self._audit = Auditor(uow, clock)

    async def execute(self, cmd: BookAppointmentCommand) -> AppointmentView:
        # What can never be booked is refused before any storage (the past is checked in
        # the transaction: a retry after the start still gets its replay).
        check_id(cmd.patient_id, "patient id")
        check_id(cmd.clinician_id, "clinician id")
        check_interval(cmd.start, cmd.end)
        content = {
            "patient_id": cmd.patient_id,
            "clinician_id": cmd.clinician_id,
            "start": cmd.start.astimezone(UTC).isoformat(),
            "end": cmd.end.astimezone(UTC).isoformat(),
            "reason": clean_reason(cmd.reason),
        }

        async def book(claim: Claim | None) -> Appointment:
            try:
                return await self._book(cmd, claim)
            except SlotTaken:  # by the rule, or by the database's constraint in a race
                self._events.record(BusinessEvent.BOOKING_REFUSED)
                raise

        # A refusal names the patient asked for: they see it in their access log.
        attempt = (cmd.actor, AuditAction.CREATE, (APPOINTMENT, ""), cmd.patient_id)
        async with self._audit.refusals(*attempt, cmd.request_id):
            booked = await self._keys.once(
                cmd.actor.user_id,
                cmd.idempotency_key,
                fingerprint("clinic.book_appointment", content),
                book,
            )
        if isinstance(booked, Replay):
            replay = await self._booked(cmd.actor, booked.result_id, cmd.request_id)
            return AppointmentView.of(replay, replayed=True)
        return AppointmentView.of(booked)

    async def _book(self, cmd: BookAppointmentCommand, claim: Claim | None) -> Appointment:
        async with self._uow.write() as uow:
            await require_clinician(uow, cmd.clinician_id)
            patient = await load_bookable_patient(uow, cmd.actor, cmd.patient_id)
            appointment = Appointment.book(
                new_id(),
                patient.id,
                cmd.clinician_id,
                cmd.start.astimezone(UTC),
                cmd.end.astimezone(UTC),
                cmd.reason,
                self._clock.now(),
            )
            hours = await uow.working_hours.get(cmd.clinician_id)
            if hours is None or not hours.covers(cmd.start, cmd.end):
                raise OutsideWorkingHours("the interval is outside the clinician's working hours")
            await hold_interval(uow, appointment)  # locks, then no overlap
            await uow.appointments.add(appointment)
            entity = (APPOINTMENT, appointment.id)
            await self._audit.record(
                uow, cmd.actor, AuditAction.CREATE, entity, patient.id, cmd.request_id
            )
            if claim is not None:
                await self._keys.complete(uow, claim, appointment.id)
            await uow.commit()
        return appointment

    async def _booked(
        self, actor: Actor, appointment_id: str, request_id: str | None
    ) -> Appointment:
        """The appointment a completed key booked, as it was booked (a read, audited)."""
        async with self._uow.write() as uow:
            appointment = await uow.appointments.get(appointment_id)
            if appointment is None:  # appointments are never deleted: storage lost it
                raise AppointmentNotFound.with_id(appointment_id)
            entity = (APPOINTMENT, appointment_id)
            read = AuditAction.READ
            await self._audit.record(uow, actor, read, entity, appointment.patient_id, request_id)
            await uow.commit()
        return appointment.as_booked()


class GetAppointment:
    """Staff see every appointment, a user those of the patient linked to them."""

    def __init__(self, uow: ClinicUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._audit = Auditor(uow, clock)

    async def execute(
        self, actor: Actor, appointment_id: str, request_id: str | None = None
    ) -> AppointmentView:
        """A write unit of work: the read's audit event commits before the answer."""
        entity, read = (APPOINTMENT, appointment_id), AuditAction.READ
        async with (
            self._audit.refusals(actor, read, entity, None, request_id),
            self._uow.write() as uow,
        ):
            appointment = await load_appointment(uow, actor, appointment_id, lock=False)
            patient_id = appointment.patient_id
            await self._audit.record(uow, actor, read, entity, patient_id, request_id)
            await uow.commit()
        return AppointmentView.of(appointment)
