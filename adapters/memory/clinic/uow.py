from __future__ import annotations

from adapters.memory.clinic.appointments import InMemoryAppointmentRepository
from adapters.memory.clinic.audit import InMemoryAuditLog
from adapters.memory.clinic.directory import InMemoryClinicianDirectory
from adapters.memory.clinic.prescriptions import InMemoryPrescriptionRepository
from adapters.memory.clinic.repositories import (
    InMemoryPatientRepository,
    InMemoryWorkingHoursRepository,
)
from adapters.memory.idempotency import InMemoryIdempotencyRepository
from adapters.memory.uow import InMemoryUnitOfWork
from application.clinic.ports import ClinicUnitOfWork


class InMemoryClinicUnitOfWork(InMemoryUnitOfWork, ClinicUnitOfWork):
    repositories = {
        "patients": InMemoryPatientRepository,
        "appointments": InMemoryAppointmentRepository,
        "working_hours": InMemoryWorkingHoursRepository,
        "clinicians": InMemoryClinicianDirectory,
        "prescriptions": InMemoryPrescriptionRepository,
        "audit": InMemoryAuditLog,
        "idempotency": InMemoryIdempotencyRepository,
    }
