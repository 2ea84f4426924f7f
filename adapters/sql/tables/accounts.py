"""Accounts: users, their login sessions and refresh tokens."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

users = Table(
    "users",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("username", String(32), nullable=False),
    Column("username_canonical", String(32), nullable=False, unique=True),
    Column("email", String(254), nullable=True),
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(32), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Index("ix_login_sessions_user_id", "user_id"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "session_id",
        String(32),
        ForeignKey("login_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime, nullable=True),
    Index("ix_refresh_tokens_session_id", "session_id"),
)
