"""Idempotency keys serve every context: order_id becomes result_id, with no foreign key.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(sa.Column("result_id", sa.String(32), nullable=True))
    op.execute("UPDATE idempotency_keys SET result_id = order_id")
    # Dropping the column drops its foreign key to orders with it (SQLite: in the copy).
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("order_id")


def downgrade() -> None:
    # Keys of other contexts' results have no order to point at: they are forgotten.
    op.execute(
        "DELETE FROM idempotency_keys WHERE result_id IS NOT NULL"
        " AND result_id NOT IN (SELECT id FROM orders)"
    )
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.add_column(
            sa.Column(
                "order_id",
                # As 0002 made it: byte-order collation on PostgreSQL; the foreign key
                # named as PostgreSQL names it (SQLite's batch mode needs a name).
                sa.String(32).with_variant(sa.String(32, collation="C"), "postgresql"),
                sa.ForeignKey("orders.id", name="idempotency_keys_order_id_fkey"),
                nullable=True,
            )
        )
    op.execute("UPDATE idempotency_keys SET order_id = result_id")
    with op.batch_alter_table("idempotency_keys") as batch:
        batch.drop_column("result_id")
