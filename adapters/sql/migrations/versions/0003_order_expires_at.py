"""Orders: a payment deadline of their own (`expires_at`), and the sweep's index on it.

Until now the sweeper expired orders created more than CASEWORKS_ORDER_EXPIRY_MINUTES
ago, so changing the setting moved the deadline of every order already placed, and `pay`
did not know the deadline at all. Now each order keeps the deadline it was placed with.

Existing orders get `created_at + 30 minutes`: 30 minutes is the setting's default, and
this migration cannot know the value a server had when it placed an order. Orders that
are no longer pending are unaffected (only pending orders expire); a pending order of a
shop configured longer than 30 minutes may expire sooner than it would have.

No table is recreated (on SQLite, recreating `orders` would mean dropping it, which the
foreign keys of its lines and history forbid or cascade): SQLite adds the column NOT NULL
with a placeholder default that the backfill overwrites at once and the application never
relies on (it always writes `expires_at`); PostgreSQL adds it nullable, backfills it and
then sets NOT NULL, with no default left behind.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sql.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE orders ADD COLUMN expires_at DATETIME NOT NULL"
            " DEFAULT '1970-01-01 00:00:00.000000'"
        )
        # Stored as naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (adapters/sql/types.py):
        # datetime() adds the minutes but drops the fraction, so the fraction is kept.
        op.execute(
            "UPDATE orders SET expires_at ="
            " datetime(created_at, '+30 minutes') || substr(created_at, 20)"
        )
    else:
        op.add_column("orders", sa.Column("expires_at", UtcDateTime, nullable=True))
        op.execute("UPDATE orders SET expires_at = created_at + interval '30 minutes'")
        op.alter_column("orders", "expires_at", nullable=False)
    op.create_index("ix_orders_status_expires", "orders", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_status_expires", "orders")
    op.drop_column("orders", "expires_at")  # SQLite 3.35+ drops a plain column in place
