"""Todos, each user's own."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

# Byte-order collation on PostgreSQL, so sorting by task matches SQLite and the memory adapter.
_task_type = String(500).with_variant(String(500, collation="C"), "postgresql")

todos = Table(
    "todos",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("task", _task_type, nullable=False),
    Column("completed", Boolean, nullable=False),
    Column("sort_order", Integer, nullable=True, key="order"),  # ORDER is an SQL keyword
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("completed_at", UtcDateTime, nullable=True),
    Index("ix_todos_owner_created", "owner_id", "created_at"),
)
