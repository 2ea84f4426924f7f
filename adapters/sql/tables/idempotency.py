"""The shared kernel's: idempotency keys of every context's commands."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
)

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

# Shared by every context's idempotent commands. Column names are IdempotencyRecord's
# fields. Keys are scoped per user (the primary key); result_id names what the first
# request made (an order, an appointment...), so it has no foreign key.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column(
        "user_id",
        String(32),
        ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("claim_token", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("result_id", String(32), nullable=True),
    Index("ix_idempotency_keys_created_at", "created_at"),  # the 24 h purge
)
