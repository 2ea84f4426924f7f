"""The shop: products, orders with their lines and status history."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from adapters.sql.tables import metadata
from adapters.sql.types import UtcDateTime

# Money is BIGINT minor units beside its currency code (exact, no float, no NUMERIC scale
# to keep in step with the currency). Ids and names the shop sorts by (ties, lock order,
# `sort=name`) use byte-order collation on PostgreSQL, so every adapter orders by code point.
_shop_id = String(32).with_variant(String(32, collation="C"), "postgresql")
_product_name = String(200).with_variant(String(200, collation="C"), "postgresql")

products = Table(
    "products",
    metadata,
    Column("id", _shop_id, primary_key=True),
    Column("sku", String(64), nullable=False),
    Column("name", _product_name, nullable=False),
    Column("search_name", Text, nullable=False),  # name.casefold(), what `q` looks in
    Column("description", String(2000), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    # Units: `stock` is what orders may take, `reserved` what orders hold; the units on
    # the shelf (the domain's on_hand) are their sum, so it is not stored (migration 0004).
    Column("stock", BigInteger, nullable=False),
    Column("reserved", BigInteger, nullable=False, server_default="0"),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", BigInteger, nullable=False, server_default="1"),  # the ETag
    # The last line of defence against an oversell: the database refuses it too.
    CheckConstraint("stock >= 0", name="ck_products_stock_not_negative"),
    CheckConstraint("reserved >= 0", name="ck_products_reserved_not_negative"),
    CheckConstraint("price_minor >= 0", name="ck_products_price_not_negative"),
    Index("ix_products_sku", "sku", unique=True),
    # `q` is a substring search: only a trigram index serves LIKE '%q%' (PostgreSQL; on
    # SQLite no index can, and the search scans the table).
    Index(
        "ix_products_search_name",
        "search_name",
        postgresql_using="gin",
        postgresql_ops={"search_name": "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", _shop_id, primary_key=True),
    # No cascade: an order is a business record, so deleting its buyer is refused.
    Column("user_id", String(32), ForeignKey("users.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),  # the payment deadline (migration 0003)
    Column("updated_at", UtcDateTime, nullable=False),
    Column("payment_reference", String(255), nullable=True),
    Index("ix_orders_user_created", "user_id", "created_at"),
    Index("ix_orders_status_created", "status", "created_at"),  # `status` lists, newest first
    Index("ix_orders_status_expires", "status", "expires_at"),  # the expiry sweep
)

# An order's lines (snapshots, written once) and status history (appended to), in the
# order they were written. Their prices are in the order's currency.
order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", _shop_id, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("product_id", _shop_id, ForeignKey("products.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("unit_price_minor", BigInteger, nullable=False),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="ck_order_lines_quantity_positive"),
)

order_status_changes = Table(
    "order_status_changes",
    metadata,
    Column("order_id", _shop_id, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("change_no", Integer, primary_key=True),
    Column("status", String(16), nullable=False),
    Column("at", UtcDateTime, nullable=False),
)
