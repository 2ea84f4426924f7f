"""Alembic environment: runs on a connection handed over by `adapters.sql.migrate`."""

from __future__ import annotations

from alembic import context

from adapters.sql.tables import every_table

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `caseworks db upgrade` (adapters.sql.migrate)")

context.configure(
    connection=connection,
    target_metadata=every_table(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
)
with context.begin_transaction():
    context.run_migrations()
