"""Clinic commands and views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from application.shared.actor import Actor
from domain.clinic.appointments import Appointment, AppointmentStatus
from domain.clinic.patients import Gender, Patient
from domain.clinic.prescriptions import Prescription, PrescriptionStatus
from domain.clinic.schedule import WorkingHours
from domain.shared.unset import UNSET, Unset


@dataclass(frozen=True, slots=True)
class CreatePatientCommand:
    """`user_id` links the record to a user account (who may then book for it)."""

    actor: Actor
    given: str
    family: str
    birth_date: date
    gender: Gender
    identifier: str | None = None
    phone: str | None = None
    email: str | None = None
    user_id: str | None = None
    active: bool = True
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePatientCommand:
    """A partial update: UNSET fields are left alone; None clears an optional field."""

    actor: Actor
    patient_id: str
    given: str | Unset = UNSET
    family: str | Unset = UNSET
    birth_date: date | Unset = UNSET
    gender: Gender | Unset = UNSET
    identifier: str | Unset | None = UNSET
    phone: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    active: bool | Unset = UNSET
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class PatientSearchQuery:
    """`q`: part of the given or family name, any case; `identifier`: exactly."""

    actor: Actor
    q: str | None = None
    identifier: str | None = None
    active: bool | None = None
    limit: int = 50
    offset: int = 0
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class PatientView:
    id: str
    given: str
    family: str
    birth_date: date
    age: int
    gender: Gender
    identifier: str | None
    phone: str | None
    email: str | None
    active: bool
    user_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, patient: Patient, today: date) -> PatientView:
        p, name = patient, patient.name
        return cls(
            p.id, name.given, name.family, p.birth_date, p.age(today), p.gender,
            p.identifier, p.phone, p.email, p.active, p.user_id, p.created_at,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SetWorkingHoursCommand:
    """`intervals`: (weekday 0=Monday..6, start, end) in wall-clock time of `time_zone`."""

    actor: Actor
    clinician_id: str
    time_zone: str
    intervals: tuple[tuple[int, time, time], ...]


@dataclass(frozen=True, slots=True)
class WorkingHoursView:
    clinician_id: str
    time_zone: str
    intervals: tuple[tuple[int, time, time], ...]

    @classmethod
    def of(cls, hours: WorkingHours) -> WorkingHoursView:
        spans = tuple((i.weekday, i.start, i.end) for i in hours.intervals)
        return cls(hours.clinician_id, hours.time_zone, spans)


@dataclass(frozen=True, slots=True)
class AvailabilityQuery:
    """The free slots of `day` (a date in the clinician's time zone) of `minutes` each."""

    actor: Actor
    clinician_id: str
    day: date
    minutes: int = 30


@dataclass(frozen=True, slots=True)
class AvailabilityView:
    clinician_id: str
    day: date
    time_zone: str | None  # None: the clinician has no working hours yet
    slots: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True, slots=True)
class BookAppointmentCommand:
    actor: Actor
    patient_id: str
    clinician_id: str
    start: datetime
    end: datetime
    reason: str = ""
    idempotency_key: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeAppointmentStatusCommand:
    """Move an appointment to `status`; `reason` only when cancelling or noshow."""

    actor: Actor
    appointment_id: str
    status: AppointmentStatus
    reason: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AppointmentView:
    """`replayed` is True only when BookAppointment answers a retried Idempotency-Key
    with the first response."""

    id: str
    patient_id: str
    clinician_id: str
    status: AppointmentStatus
    start: datetime | None
    end: datetime | None
    reason: str
    cancelation_reason: str | None
    created_at: datetime
    updated_at: datetime
    replayed: bool = False

    @classmethod
    def of(cls, a: Appointment, replayed: bool = False) -> AppointmentView:
        return cls(
            a.id, a.patient_id, a.clinician_id, a.status, a.start, a.end, a.reason,
            a.cancelation_reason, a.created_at, a.updated_at, replayed,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Events newest first; `since` inclusive, `until` exclusive."""

    actor: Actor
    limit: int = 50
    offset: int = 0
    patient_id: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class PrescribeCommand:
    """The requester is the calling clinician."""

    actor: Actor
    patient_id: str
    medication_text: str
    dosage_instruction: str
    quantity: int
    refills: int = 0
    valid_until: date | None = None
    medication_code: str | None = None
    medication_system: str | None = None
    status: PrescriptionStatus = PrescriptionStatus.ACTIVE
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChangePrescriptionStatusCommand:
    actor: Actor
    prescription_id: str
    status: PrescriptionStatus
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class PrescriptionView:
    id: str
    patient_id: str
    requester_id: str
    medication_text: str
    medication_code: str | None
    medication_system: str | None
    dosage_instruction: str
    quantity: int
    refills: int
    valid_until: date | None
    status: PrescriptionStatus
    intent: str
    authored_on: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Prescription) -> PrescriptionView:
        m = p.medication
        return cls(
            p.id, p.patient_id, p.requester_id, m.text, m.code, m.system, p.dosage_instruction,
            p.quantity, p.refills, p.valid_until, p.status, p.intent, p.authored_on,
            p.updated_at,
        )  # fmt: skip
