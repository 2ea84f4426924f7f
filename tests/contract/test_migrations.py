"""The migrations build exactly the schema adapters/sql/tables.py declares (Alembic's
autogenerate comparison finds nothing to do), on SQLite and PostgreSQL, and the shop's
migrations (0002, then 0003's shared idempotency keys) go down and up again cleanly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import SchemaItem

from adapters.sql.engine import create_engine
from adapters.sql.migrate import alembic_config, upgrade
from adapters.sql.tables import metadata
from tests.support.storage import sqlite_copy

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
    return list(compare_metadata(context, metadata))


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


async def test_the_shop_migrations_downgrade_and_upgrade_again(
    sqlite_template: Path, tmp_path: Path
) -> None:
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
