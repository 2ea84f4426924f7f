from __future__ import annotations

from adapters.sql.clinic.appointments import SqlAppointmentRepository
from adapters.sql.clinic.audit import SqlAuditLog
from adapters.sql.clinic.directory import SqlClinicianDirectory
from adapters.sql.clinic.prescriptions import SqlPrescriptionRepository
from adapters.sql.clinic.repositories import SqlPatientRepository, SqlWorkingHoursRepository
from adapters.sql.idempotency import SqlIdempotencyRepository
from adapters.sql.uow import SqlUnitOfWork
from application.clinic.ports import ClinicUnitOfWork


class SqlClinicUnitOfWork(SqlUnitOfWork, ClinicUnitOfWork):
    repositories = {
        "patients": SqlPatientRepository,
        "appointments": SqlAppointmentRepository,
        "working_hours": SqlWorkingHoursRepository,
        "clinicians": SqlClinicianDirectory,
        "prescriptions": SqlPrescriptionRepository,
        "audit": SqlAuditLog,
        "idempotency": SqlIdempotencyRepository,
    }
