"""Chat: rooms (with `general`), members, messages numbered per room, tickets.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rooms = op.create_table(
        "chat_rooms",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("private", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_message_id", sa.Integer, nullable=False),
    )
    op.create_index("ix_chat_rooms_created", "chat_rooms", ["created_at", "id"])
    op.create_table(
        "chat_members",
        sa.Column("room_id", sa.String(32), sa.ForeignKey("chat_rooms.id"), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("joined_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("room_id", "user_id"),
    )
    op.create_index("ix_chat_members_user", "chat_members", ["user_id"])
    op.create_table(
        "chat_messages",
        sa.Column("room_id", sa.String(32), sa.ForeignKey("chat_rooms.id"), nullable=False),
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("author_id", sa.String(32), nullable=False),
        sa.Column("author", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("room_id", "id"),
        sa.UniqueConstraint("room_id", "author_id", "client_id", name="uq_chat_messages_client_id"),
    )
    op.create_table(
        "chat_tickets",
        sa.Column("ticket_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_chat_tickets_expires_at", "chat_tickets", ["expires_at"])
    # The room every installation starts with (domain/chat/rooms.py's Room.general()).
    op.bulk_insert(
        rooms,
        [
            {
                "id": "general",
                "name": "general",
                "private": False,
                "created_by": None,
                "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                "last_message_id": 0,
            }
        ],
    )


def downgrade() -> None:
    for table in ("chat_tickets", "chat_messages", "chat_members", "chat_rooms"):
        op.drop_table(table)
