"""Clinic: patients, working hours, appointments (no overlap on PostgreSQL: exclusion
constraints), schedule-lock rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('booked', 'arrived', 'checked-in')"


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("given", sa.String(100), nullable=False),
        sa.Column("family", sa.String(100), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("gender", sa.String(16), nullable=False),
        sa.Column("identifier", sa.String(64), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_patients_identifier", "patients", ["identifier"], unique=True)
    op.create_index("ix_patients_user_id", "patients", ["user_id"], unique=True)
    op.create_table(
        "working_hours",
        sa.Column("clinician_id", sa.String(32), primary_key=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("intervals", sa.Text, nullable=False),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("patient_id", sa.String(32), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("clinician_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start", UtcDateTime, nullable=True),
        sa.Column("end", UtcDateTime, nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("cancelation_reason", sa.String(500), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_appointments_clinician_start", "appointments", ["clinician_id", "start"])
    op.create_index("ix_appointments_patient_start", "appointments", ["patient_id", "start"])
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist ships with PostgreSQL (contrib) and is trusted: it lets a GiST index
        # compare ids with =. Left in place on downgrade: others may use it.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for person in ("clinician", "patient"):
            op.execute(
                f"ALTER TABLE appointments ADD CONSTRAINT ex_appointments_{person}_overlap"
                f" EXCLUDE USING gist ({person}_id WITH =,"
                f" tstzrange(start, \"end\", '[)') WITH &&) WHERE ({_ACTIVE})"
            )
    op.create_table(
        "clinic_schedule_locks",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("id", sa.String(32), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("clinic_schedule_locks")
    op.drop_table("appointments")  # its constraints and indexes go with it
    op.drop_table("working_hours")
    op.drop_table("patients")
