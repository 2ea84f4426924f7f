"""What the contract suites share: several server processes on one database, for the
races that must hold across processes (the shop's, the clinic's, the role changes')."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from entrypoints.container import Container, close_resources
from tests.support.storage import sqlite_copy, storage_container, truncate_postgres

OpenProcesses = Callable[..., AbstractAsyncContextManager[list[Container]]]


@pytest.fixture(params=["sqlite", "postgres"])
def shared_database(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> tuple[str, str]:
    """(kind, URL) of one database for several processes. Sync on purpose: preparing
    PostgreSQL runs its own loop."""
    if request.param == "postgres":
        return "postgres", request.getfixturevalue("postgres_database")
    return "sqlite", sqlite_copy(sqlite_template, tmp_path)


@pytest.fixture
def open_processes(
    shared_database: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> OpenProcesses:
    """`async with open_processes(4, pool_size=5) as containers:` one container per server
    process, all on the shared database (PostgreSQL's tables emptied first): each has its
    own pool and, on SQLite, its own write gate, so only the database orders their writers.
    `pool_size` keeps several pools below PostgreSQL's max_connections."""
    kind, url = shared_database

    @asynccontextmanager
    async def open_(count: int, pool_size: int | None = None) -> AsyncIterator[list[Container]]:
        if pool_size is not None:
            monkeypatch.setenv("CASEWORKS_DB_POOL_SIZE", str(pool_size))
        containers = [storage_container(kind, url) for _ in range(count)]
        try:
            if kind == "postgres":
                await truncate_postgres(containers[0].engine())
            yield containers
        finally:
            for container in containers:
                await close_resources(container)

    return open_
