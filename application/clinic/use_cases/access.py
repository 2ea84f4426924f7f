"""Who may do what in the clinic, and the steps several use cases share. Clinicians and
admins act for any patient; a user acts only through the patient record linked to them,
and anything else is not found (404), never forbidden, so no record is revealed."""

from __future__ import annotations

from application.clinic.ports import ClinicUnitOfWork
from application.shared.actor import Actor
from application.shared.ids import check_id
from domain.clinic.appointments import Appointment
from domain.clinic.errors import (
    AppointmentNotFound,
    NotAClinician,
    PatientInactive,
    PatientNotFound,
    SlotTaken,
)
from domain.clinic.patients import Patient
from domain.shared.errors import Forbidden
from domain.shared.roles import Role

STAFF = frozenset({Role.ADMIN, Role.CLINICIAN})


def is_staff(actor: Actor) -> bool:
    return actor.role in STAFF


def require_staff(actor: Actor, action: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"only clinicians and administrators may {action}")


def require_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise Forbidden(f"only administrators may {action}")


async def require_clinician(uow: ClinicUnitOfWork, clinician_id: str) -> None:
    check_id(clinician_id, "clinician id")
    if not await uow.clinicians.is_clinician(clinician_id):
        raise NotAClinician.with_id(clinician_id)


async def load_patient(uow: ClinicUnitOfWork, actor: Actor, patient_id: str) -> Patient:
    """The patient if the actor may act for them, else PatientNotFound."""
    check_id(patient_id, "patient id")
    patient = await uow.patients.get(patient_id)
    if patient is None or not (is_staff(actor) or patient.belongs_to(actor.user_id)):
        raise PatientNotFound.with_id(patient_id)
    return patient


async def load_bookable_patient(uow: ClinicUnitOfWork, actor: Actor, patient_id: str) -> Patient:
    patient = await load_patient(uow, actor, patient_id)
    if not patient.active:
        raise PatientInactive(f"patient {patient_id!r} is inactive")
    return patient


async def own_patient(uow: ClinicUnitOfWork, actor: Actor) -> Patient:
    """The patient record linked to the caller's account (`/patients/me`), or not found."""
    patient = await uow.patients.get_by_user(actor.user_id)
    if patient is None:
        raise PatientNotFound("no patient record is linked to you")
    return patient


async def sees_records_of(uow: ClinicUnitOfWork, actor: Actor, patient_id: str) -> bool:
    """Staff see every patient's appointments and prescriptions; a user only those of the
    patient record linked to them."""
    if is_staff(actor):
        return True
    own = await uow.patients.get_by_user(actor.user_id)
    return own is not None and own.id == patient_id


async def load_appointment(
    uow: ClinicUnitOfWork, actor: Actor, appointment_id: str, lock: bool
) -> Appointment:
    """The appointment if the actor may see it (staff, or its linked patient), else
    AppointmentNotFound."""
    check_id(appointment_id, "appointment id")
    repository = uow.appointments
    appointment = await (repository.get_for_update if lock else repository.get)(appointment_id)
    if appointment is None:
        raise AppointmentNotFound.with_id(appointment_id)
    if not await sees_records_of(uow, actor, appointment.patient_id):
        raise AppointmentNotFound.with_id(appointment_id)
    return appointment


async def hold_interval(uow: ClinicUnitOfWork, appointment: Appointment) -> None:
    """Lock the clinician's schedule, then the patient's (always in this order), and
    refuse with SlotTaken if either has another active appointment overlapping this one."""
    start, end = appointment.start, appointment.end
    if start is None or end is None:
        raise ValueError("only an appointment with an interval holds one")
    await uow.appointments.lock_schedules(appointment.clinician_id, appointment.patient_id)
    other = await uow.appointments.earliest_overlapping(appointment)
    if other is not None:
        raise SlotTaken.by(other.id)
