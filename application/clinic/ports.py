"""What the clinic use cases need from the outside world: storage, and a directory that
says who is a clinician (answered from the accounts' tables by the adapters: the clinic
never imports the accounts context)."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime

from application.shared.idempotency import IdempotentUnitOfWork
from application.shared.paging import Page
from domain.clinic.appointments import Appointment
from domain.clinic.audit import AuditEvent, AuditFilter
from domain.clinic.patients import Patient, PatientFilter
from domain.clinic.prescriptions import Prescription
from domain.clinic.schedule import WorkingHours


class PatientRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, patient: Patient) -> None:
        """IdentifierTaken when another patient has the identifier, PatientAlreadyLinked
        when another patient is linked to the user (also under a race)."""

    @abc.abstractmethod
    async def get(self, patient_id: str) -> Patient | None: ...

    @abc.abstractmethod
    async def get_by_user(self, user_id: str) -> Patient | None:
        """The patient record linked to this user account, if any."""

    @abc.abstractmethod
    async def get_for_update(self, patient_id: str) -> Patient | None:
        """Like get, and lock the patient until commit."""

    @abc.abstractmethod
    async def save(self, patient: Patient) -> None:
        """Write back a patient loaded for update in this unit of work; IdentifierTaken
        when another patient has its identifier (also under a race)."""

    @abc.abstractmethod
    async def search(self, where: PatientFilter, limit: int, offset: int) -> Page[Patient]:
        """The matching patients by family name, given name, then id (binary order of the
        stored text), and how many match."""


class AppointmentRepository(abc.ABC):
    """Not scoped to an owner: who may see an appointment is decided by the use cases.

    No double booking: a clinician or a patient never has two active appointments that
    overlap. Booking locks the clinician's schedule, then the patient's (always in that
    order, so two bookings never wait for each other in a cycle), then checks with
    `active_overlapping` and adds. The storage guarantees it as well: `add` (and a `save`
    that makes an appointment active) raises SlotTaken for an overlap, and on memory
    refuses LockNotHeld unless both schedules are locked (on PostgreSQL: an exclusion
    constraint, the locks rows of their own)."""

    @abc.abstractmethod
    async def lock_clinician(self, clinician_id: str) -> None:
        """Hold the clinician's schedule until commit: bookings for them queue here."""

    @abc.abstractmethod
    async def lock_patient(self, patient_id: str) -> None:
        """Hold the patient's schedule until commit (taken after the clinician's)."""

    @abc.abstractmethod
    async def add(self, appointment: Appointment) -> None:
        """Raise SlotTaken naming an active appointment that overlaps an active one."""

    @abc.abstractmethod
    async def get(self, appointment_id: str) -> Appointment | None: ...

    @abc.abstractmethod
    async def get_for_update(self, appointment_id: str) -> Appointment | None:
        """Like get, and lock the appointment until commit."""

    @abc.abstractmethod
    async def save(self, appointment: Appointment) -> None:
        """Write back an appointment loaded for update in this unit of work."""

    @abc.abstractmethod
    async def active_overlapping(
        self,
        start: datetime,
        end: datetime,
        *,
        clinician_id: str | None = None,
        patient_id: str | None = None,
    ) -> Sequence[Appointment]:
        """The active appointments of this clinician (or of this patient) that overlap
        [start, end), earliest first (then by id). Exactly one of the two ids is given."""

    @abc.abstractmethod
    async def list_for_patient(self, patient_id: str, limit: int, offset: int) -> Page[Appointment]:
        """The patient's appointments, whatever their status, newest booked first (then
        by id)."""


class WorkingHoursRepository(abc.ABC):
    """One set of working hours per clinician, replaced whole."""

    @abc.abstractmethod
    async def get(self, clinician_id: str) -> WorkingHours | None: ...

    @abc.abstractmethod
    async def get_for_update(self, clinician_id: str) -> WorkingHours | None:
        """Like get, and lock the clinician's hours (present or not) until commit."""

    @abc.abstractmethod
    async def save(self, hours: WorkingHours) -> None:
        """Insert or replace the clinician's hours, locked by get_for_update."""


class ClinicianDirectory(abc.ABC):
    """Who is a clinician: the user accounts with the clinician role."""

    @abc.abstractmethod
    async def is_clinician(self, user_id: str) -> bool: ...


class PrescriptionRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, prescription: Prescription) -> None: ...

    @abc.abstractmethod
    async def get(self, prescription_id: str) -> Prescription | None: ...

    @abc.abstractmethod
    async def get_for_update(self, prescription_id: str) -> Prescription | None:
        """Like get, and lock the prescription until commit."""

    @abc.abstractmethod
    async def save(self, prescription: Prescription) -> None:
        """Write back a prescription loaded for update in this unit of work."""

    @abc.abstractmethod
    async def list_for_patient(
        self, patient_id: str, limit: int, offset: int
    ) -> Page[Prescription]:
        """The patient's prescriptions, newest first (then by id)."""


class AuditLog(abc.ABC):
    """Append-only: events are never changed or removed."""

    @abc.abstractmethod
    async def append(self, event: AuditEvent) -> None: ...

    @abc.abstractmethod
    async def list(self, where: AuditFilter, limit: int, offset: int) -> Page[AuditEvent]:
        """The matching events, newest first (then by id), and how many match."""


class ClinicUnitOfWork(IdempotentUnitOfWork):
    patients: PatientRepository
    appointments: AppointmentRepository
    working_hours: WorkingHoursRepository
    clinicians: ClinicianDirectory
    prescriptions: PrescriptionRepository
    audit: AuditLog
