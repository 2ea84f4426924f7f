"""The clinic: patients, clinicians' working hours, appointments, and the schedule-lock
rows bookings queue on."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

# What holds an interval (domain/clinic/appointments.py's ACTIVE), as the exclusion
# constraints' predicate.
ACTIVE_PREDICATE = "status IN ('booked', 'arrived', 'checked-in')"

# Patients are linked to a user account by id, without a foreign key: a medical record
# outlives the account, and the clinic does not reach into the accounts' tables.
patients = Table(
    "patients",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("given", String(100), nullable=False),
    Column("family", String(100), nullable=False),
    Column("birth_date", Date, nullable=False),
    Column("gender", String(16), nullable=False),
    Column("identifier", String(64), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("email", String(254), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("user_id", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # Unique when present: NULLs never collide (SQLite and PostgreSQL alike).
    Index("ix_patients_identifier", "identifier", unique=True),
    Index("ix_patients_user_id", "user_id", unique=True),
)

# One row per clinician; the intervals as JSON ([[weekday, "HH:MM:SS", "HH:MM:SS"], ...]):
# they are read and replaced whole, never queried.
working_hours = Table(
    "working_hours",
    metadata,
    Column("clinician_id", String(32), primary_key=True),
    Column("time_zone", String(64), nullable=False),
    Column("intervals", Text, nullable=False),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False),
    Column("clinician_id", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("start", UtcDateTime, nullable=True),
    Column("end", UtcDateTime, nullable=True),
    Column("reason", String(500), nullable=False),
    Column("cancelation_reason", String(500), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_appointments_clinician_start", "clinician_id", "start"),
    Index("ix_appointments_patient_start", "patient_id", "start"),
)

# No double booking is the storage's guarantee on PostgreSQL (btree_gist, migration 0006):
# two active appointments of one clinician, or of one patient, never overlap. Bookings
# take the schedule locks first, so in practice these never fire; on SQLite writers are
# serialised (BEGIN IMMEDIATE) and the repository checks before it inserts.
_RANGE = func.tstzrange(literal_column("start"), literal_column('"end"'), text("'[)'"))
for _person in ("clinician_id", "patient_id"):
    appointments.append_constraint(
        ExcludeConstraint(
            (appointments.c[_person], "="),
            (_RANGE, "&&"),
            name=f"ex_appointments_{_person.removesuffix('_id')}_overlap",
            using="gist",
            where=text(ACTIVE_PREDICATE),
        ).ddl_if(dialect="postgresql")
    )

# Rows a booking locks (SELECT ... FOR UPDATE after inserting them if absent):
# ("clinician", id) then ("patient", id), and ("working_hours", id) to replace hours.
clinic_schedule_locks = Table(
    "clinic_schedule_locks",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("id", String(32), primary_key=True),
)

# FHIR MedicationRequest (intent "order"); the medication flattened to three columns.
prescriptions = Table(
    "prescriptions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False),
    Column("requester_id", String(32), nullable=False),
    Column("medication_text", String(200), nullable=False),
    Column("medication_code", String(64), nullable=True),
    Column("medication_system", String(200), nullable=True),
    Column("dosage_instruction", String(1000), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("refills", Integer, nullable=False),
    Column("valid_until", Date, nullable=True),
    Column("status", String(16), nullable=False),
    Column("authored_on", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_prescriptions_patient_authored", "patient_id", "authored_on"),
)

# Append-only; listed newest first by patient, by actor or for all (admins).
clinic_audit_events = Table(
    "clinic_audit_events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor_id", String(32), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(1), nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("patient_id", String(32), nullable=True),
    Column("outcome", String(8), nullable=False),
    Column("request_id", String(64), nullable=True),
    Index("ix_clinic_audit_events_at", "at"),
    Index("ix_clinic_audit_events_patient_at", "patient_id", "at"),
    Index("ix_clinic_audit_events_actor_at", "actor_id", "at"),
)
