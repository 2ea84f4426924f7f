"""Clinic: prescriptions (FHIR MedicationRequest, intent order).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prescriptions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("patient_id", sa.String(32), sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("requester_id", sa.String(32), nullable=False),
        sa.Column("medication_text", sa.String(200), nullable=False),
        sa.Column("medication_code", sa.String(64), nullable=True),
        sa.Column("medication_system", sa.String(200), nullable=True),
        sa.Column("dosage_instruction", sa.String(1000), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("refills", sa.Integer, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("authored_on", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_prescriptions_patient_authored", "prescriptions", ["patient_id", "authored_on"]
    )


def downgrade() -> None:
    op.drop_table("prescriptions")  # its index goes with it
