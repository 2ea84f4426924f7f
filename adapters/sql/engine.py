"""Engines for SQLite (embedded default) and PostgreSQL, with SQLite made to serialise writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

BUSY_TIMEOUT_SECONDS = 30


def create_engine(url: str, pool_size: int = 10, autocommit: bool = False) -> AsyncEngine:
    """`autocommit=True` makes the PostgreSQL read pool, whose transactions the read unit of
    work runs itself (adapters/sql/postgres_reads.py). `hide_parameters`: error messages
    (and so logs) never carry hashes or emails."""
    if url.startswith("sqlite"):
        engine = create_async_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS}, hide_parameters=True
        )
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    # No pool_pre_ping: it costs a round trip on every checkout. A connection that died
    # (server restart) fails its request with 503 and is replaced (see http/errors.py).
    # No overflow: overflow connections are closed on return, and under a steady load
    # above pool_size that meant a TCP + TLS + auth handshake for most requests
    # (measured: connection setup was a third of the server's time). Requests queue for
    # a pooled connection instead; one that waits pool_timeout seconds answers 503.
    options: dict[str, Any] = {}
    if autocommit:
        # Read connections wait in the pool inside a fresh read-only transaction that has
        # taken no snapshot yet (adapters/sql/postgres_reads.py): a server-wide idle-in-transaction
        # timeout must not apply to them.
        options["isolation_level"] = "AUTOCOMMIT"
        options["connect_args"] = {"server_settings": {"idle_in_transaction_session_timeout": "0"}}
    return create_async_engine(
        url,
        **options,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=10,
        pool_recycle=1800,
        hide_parameters=True,
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the driver so that "begin" below decides how to begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    # A 2xx means the write is on disk: in WAL mode NORMAL (some builds' default for WAL,
    # SQLITE_DEFAULT_WAL_SYNCHRONOUS) may lose the last commits to a power cut or an OS
    # crash. FULL syncs the log at every commit; it is said here, not left to the build.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # SQLite ignores SELECT ... FOR UPDATE. A transaction here takes the write lock at
    # BEGIN, so read-check-write cannot interleave (and never upgrades a read lock into a
    # "database is locked" error). Reads go through adapters/sql/sqlite_reads.py instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")
