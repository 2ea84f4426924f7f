"""Products: units reserved by orders, and a version (the ETag) bumped by every change.

A product now counts its units as shops do: on_hand (on the shelf), reserved (held by
orders not yet shipped, cancelled or expired) and stock = on_hand - reserved, what an
order may take. The table keeps `stock` and adds `reserved`; on_hand is their sum and is
not stored. Keeping `stock` keeps the oversell check (`stock >= 0`) as it was, and means
no table is recreated: on SQLite, recreating `products` would mean dropping it, which the
foreign keys of order lines forbid.

Existing rows: `stock` already counted what orders may take (placing took units from it,
cancelling and expiring gave them back; shipped units were gone from the shelf). So
`reserved` = the units of the product's orders still pending payment or paid, and
on_hand = stock + reserved follows; every version starts at 1.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Column constraints and constant defaults: what SQLite's ADD COLUMN allows (3.37+
    # checks the existing rows against the CHECK), and the same on PostgreSQL.
    op.execute(
        "ALTER TABLE products ADD COLUMN reserved BIGINT DEFAULT 0 NOT NULL"
        " CONSTRAINT ck_products_reserved_not_negative CHECK (reserved >= 0)"
    )
    op.execute("ALTER TABLE products ADD COLUMN version BIGINT DEFAULT 1 NOT NULL")
    op.execute(
        "UPDATE products SET reserved = ("
        " SELECT COALESCE(SUM(order_lines.quantity), 0)"
        " FROM order_lines JOIN orders ON orders.id = order_lines.order_id"
        " WHERE order_lines.product_id = products.id"
        " AND orders.status IN ('pending_payment', 'paid'))"
    )


def downgrade() -> None:
    # `stock` is what it was: the units orders may take.
    op.drop_column("products", "version")
    op.drop_column("products", "reserved")  # its CHECK goes with it
