"""Clinic: the audit log (who read or changed which record, and who was refused).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinic_audit_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("actor_id", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("action", sa.String(1), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("patient_id", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_clinic_audit_events_at", "clinic_audit_events", ["at"])
    op.create_index(
        "ix_clinic_audit_events_patient_at", "clinic_audit_events", ["patient_id", "at"]
    )
    op.create_index("ix_clinic_audit_events_actor_at", "clinic_audit_events", ["actor_id", "at"])


def downgrade() -> None:
    op.drop_table("clinic_audit_events")  # its indexes go with it
