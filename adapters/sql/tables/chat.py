"""The chat: rooms, their members, messages numbered per room, and connection tickets."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

# Users are named by id, without foreign keys into the accounts' tables (a context never
# reaches into another's); rooms, members and messages hold together by theirs.
chat_rooms = Table(
    "chat_rooms",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("private", Boolean, nullable=False),
    Column("created_by", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_message_id", Integer, nullable=False),
    Index("ix_chat_rooms_created", "created_at", "id"),
)

chat_members = Table(
    "chat_members",
    metadata,
    Column("room_id", String(32), ForeignKey("chat_rooms.id"), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("joined_at", UtcDateTime, nullable=False),
    PrimaryKeyConstraint("room_id", "user_id"),
    Index("ix_chat_members_user", "user_id"),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    Column("room_id", String(32), ForeignKey("chat_rooms.id"), nullable=False),
    Column("id", Integer, nullable=False),
    Column("author_id", String(32), nullable=False),
    Column("author", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Column("client_id", String(64), nullable=True),
    PrimaryKeyConstraint("room_id", "id"),
    # A resent message is the same message: NULLs (no client_id) never collide.
    UniqueConstraint("room_id", "author_id", "client_id", name="uq_chat_messages_client_id"),
)

chat_tickets = Table(
    "chat_tickets",
    metadata,
    Column("ticket_hash", String(64), primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("session_id", String(32), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_chat_tickets_expires_at", "expires_at"),
)
