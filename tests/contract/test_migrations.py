"""The migrations build exactly the schema adapters/sql/tables/ declares (Alembic's
autogenerate comparison finds nothing to do), on SQLite and PostgreSQL, 0002 goes
down and up again cleanly (with 0003-0005 after it), and the later revisions carry a
shop's data over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, column, insert, inspect, select, table, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.schema import SchemaItem

from adapters.sql.engine import create_engine
from adapters.sql.migrate import alembic_config, upgrade
from adapters.sql.shop.products import SqlProductRepository
from adapters.sql.tables import every_table
from adapters.sql.tables.shop import orders, products
from adapters.sql.types import UtcDateTime
from tests.support.storage import postgres_url, scratch_postgres_database, sqlite_copy

SHOP_TABLES = {"products", "orders", "order_lines", "order_status_changes", "idempotency_keys"}
_COLLATED_C = text(
    "SELECT table_name || '.' || column_name FROM information_schema.columns"
    " WHERE collation_name = 'C' AND table_name IN :tables"
).bindparams(bindparam("tables", expanding=True))


def _drift(connection: Connection) -> list[Any]:
    dialect = connection.dialect

    def created_here(item: SchemaItem, _name: Any, _kind: str, _reflected: bool, _to: Any) -> bool:
        # What create_all would make on this dialect: ddl_if(dialect=...) items elsewhere not.
        condition = getattr(item, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect.name)

    options = {"compare_type": True, "include_object": created_here}
    context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(context, every_table()))


async def _drift_at(url: str) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_drift)
    finally:
        await engine.dispose()


async def test_sqlite_migrations_match_the_tables(sqlite_template: Path, tmp_path: Path) -> None:
    assert await _drift_at(sqlite_copy(sqlite_template, tmp_path)) == []


async def test_postgres_migrations_match_the_tables(postgres_database: str) -> None:
    assert await _drift_at(postgres_database) == []


async def test_postgres_search_index_and_code_point_collations(postgres_database: str) -> None:
    """What the comparison above does not look at: index operator classes, collations."""
    engine = create_engine(postgres_database)
    try:
        async with engine.connect() as connection:
            index = await connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_products_search_name'"
            )
            tables = {"tables": sorted(SHOP_TABLES)}
            collations = await connection.execute(_COLLATED_C, tables)
            assert "gin (search_name gin_trgm_ops)" in index.scalar_one()
            assert set(collations.scalars()) == {
                "products.id",
                "products.name",
                "orders.id",
                "order_lines.order_id",
                "order_lines.product_id",
                "order_status_changes.order_id",
            }  # idempotency_keys.result_id names any context's result: no shop collation
    finally:
        await engine.dispose()


async def test_0002_downgrades_and_upgrades_again(sqlite_template: Path, tmp_path: Path) -> None:
    engine = create_engine(sqlite_copy(sqlite_template, tmp_path))

    def downgrade(connection: Connection) -> set[str]:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        return set(inspect(connection).get_table_names())

    try:
        async with engine.begin() as connection:
            remaining = await connection.run_sync(downgrade)
        assert remaining & SHOP_TABLES == set()
        assert {"users", "todos"} <= remaining
        await upgrade(engine)
    finally:
        await engine.dispose()
    assert await _drift_at(str(engine.url)) == []


# --- upgrading a database that holds data ---------------------------------------------------

_users = table(
    "users",
    column("id"),
    column("username"),
    column("username_canonical"),
    column("password_hash"),
    column("role"),
    column("created_at", UtcDateTime),
)
_products_0002 = table(
    "products",
    *map(column, ("id", "sku", "name", "search_name", "description", "price_minor")),
    *map(column, ("currency", "stock", "active")),
    column("created_at", UtcDateTime),
    column("updated_at", UtcDateTime),
)
_orders_0002 = table(
    "orders",
    *map(column, ("id", "user_id", "status", "currency")),
    column("created_at", UtcDateTime),
    column("updated_at", UtcDateTime),
)
_lines = table(
    "order_lines",
    *map(column, ("order_id", "line_no", "product_id", "sku", "name", "unit_price_minor")),
    column("quantity"),
)
T0 = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema yet. Sync on purpose: preparing PostgreSQL runs its own loop."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'upgraded.db'}"
        return
    with scratch_postgres_database(postgres_url(), migrate=False) as url:
        yield url


async def _shop_at_0002(engine: AsyncEngine) -> None:
    """A shop as revision 0002 stored it: two products, orders in four states."""
    await upgrade(engine, "0002")
    product = {"description": "", "price_minor": 999, "currency": "USD", "active": True}
    product |= {"created_at": T0, "updated_at": T0}
    orders = [
        ("o-pending", "pending_payment", T0, [("p-1", 2), ("p-2", 1)]),
        ("o-paid", "paid", T0 + timedelta(minutes=1), [("p-1", 3)]),
        ("o-shipped", "shipped", T0 + timedelta(minutes=2), [("p-1", 5)]),
        ("o-cancelled", "cancelled", T0 + timedelta(minutes=3), [("p-1", 4)]),
    ]
    async with engine.begin() as connection:
        await connection.execute(
            insert(_users),
            {"id": "u-1", "username": "alice", "username_canonical": "alice"}
            | {"password_hash": "x", "role": "user", "created_at": T0},
        )
        await connection.execute(
            insert(_products_0002),
            [
                product | {"id": p, "sku": p.upper(), "name": p, "search_name": p, "stock": s}
                for p, s in (("p-1", 7), ("p-2", 0))
            ],
        )
        for order_id, status, created, lines in orders:
            await connection.execute(
                insert(_orders_0002),
                {"id": order_id, "user_id": "u-1", "status": status, "currency": "USD"}
                | {"created_at": created, "updated_at": created},
            )
            await connection.execute(
                insert(_lines),
                [
                    {"order_id": order_id, "line_no": n, "product_id": p, "sku": p.upper()}
                    | {"name": p, "unit_price_minor": 999, "quantity": q}
                    for n, (p, q) in enumerate(lines)
                ],
            )


async def test_existing_orders_get_a_deadline_30_minutes_after_they_were_placed(
    empty_database: str,
) -> None:
    engine = create_engine(empty_database)
    try:
        await _shop_at_0002(engine)
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(orders.c.id, orders.c.created_at, orders.c.expires_at)
            )
            deadlines = {row.id: (row.created_at, row.expires_at) for row in rows}
    finally:
        await engine.dispose()

    assert len(deadlines) == 4
    for created, expires in deadlines.values():
        assert expires == created + timedelta(minutes=30)  # to the microsecond
        assert expires.utcoffset() == timedelta(0)
    assert await _drift_at(empty_database) == []


async def test_existing_products_count_the_units_their_open_orders_hold(
    empty_database: str,
) -> None:
    """p-1 had stock 7 and orders pending (2), paid (3), shipped (5) and cancelled (4):
    the pending and paid ones hold their units, so on_hand = 7 + 5."""
    engine = create_engine(empty_database)
    try:
        await _shop_at_0002(engine)
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(products.c.id, products.c.stock, products.c.reserved, products.c.version)
            )
            counts = {row.id: (row.stock, row.reserved, row.version) for row in rows}
        async with engine.connect() as connection:
            p1 = await SqlProductRepository(connection).get("p-1")
        assert p1 is not None
        for broken in ({"stock": -1}, {"reserved": -1}):  # the database refuses them too
            with pytest.raises(IntegrityError):
                async with engine.begin() as connection:
                    await connection.execute(update(products).values(broken))
    finally:
        await engine.dispose()

    assert counts == {"p-1": (7, 5, 1), "p-2": (0, 1, 1)}
    assert (p1.on_hand, p1.reserved, p1.stock, p1.version) == (12, 5, 7, 1)


async def test_postgres_appointments_never_overlap_by_constraint(postgres_database: str) -> None:
    """What the comparison does not look at: 0006's exclusion constraints (btree_gist)."""
    engine = create_engine(postgres_database)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE contype = 'x' AND conrelid = 'appointments'::regclass"
                )
            )
            constraints: dict[str, str] = {row[0]: row[1] for row in found}
    finally:
        await engine.dispose()
    assert sorted(constraints) == [
        "ex_appointments_clinician_overlap",
        "ex_appointments_patient_overlap",
    ]
    for person, definition in zip(
        ("clinician", "patient"), sorted(constraints.values()), strict=True
    ):
        assert definition.startswith(f"EXCLUDE USING gist ({person}_id WITH =, tstzrange(")
        assert "booked" in definition
        assert "checked-in" in definition
