"""On PostgreSQL `serve` does not migrate: until `caseworks db upgrade` has run, the
server is not ready (503) and its log says why, instead of ready with every request 500."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade
from adapters.sql.readiness import SchemaNotMigrated, SqlReadinessProbe
from entrypoints.container import build_container, close_resources
from entrypoints.http.app import create_app
from tests.http.conftest import app_settings
from tests.support.storage import postgres_url, scratch_postgres_database


@pytest.fixture
def unmigrated_database() -> Iterator[str]:
    with scratch_postgres_database(postgres_url(), migrate=False) as url:
        yield url


async def test_not_ready_until_the_schema_is_migrated(
    unmigrated_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = app_settings(unmigrated_database)
    container = build_container(settings)
    transport = httpx.ASGITransport(app=create_app(container))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            unmigrated = await client.get("/health/ready")
            assert unmigrated.status_code == 503
            [reason] = [r.getMessage() for r in caplog.records if r.name == "caseworks.health"]
            assert "SchemaNotMigrated" in reason
            assert "caseworks db upgrade" in reason

            engine = create_engine(unmigrated_database)
            try:
                await upgrade(engine)
            finally:
                await engine.dispose()
            assert (await client.get("/health/ready")).status_code == 200
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        await close_resources(container)
    assert [r.levelno for r in caplog.records if r.name == "caseworks.health"] == [logging.WARNING]


async def stamped(url: str, revision: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
            )
    finally:
        await engine.dispose()


async def probe_fails(url: str) -> bool:
    engine = create_engine(url)
    try:
        await SqlReadinessProbe(engine).check()
    except SchemaNotMigrated:
        return True
    finally:
        await engine.dispose()
    return False


async def test_a_schema_behind_is_not_ready_and_one_ahead_is(postgres_database: str) -> None:
    assert not await probe_fails(postgres_database)
    await stamped(postgres_database, "0008")  # an older revision: migrate first
    assert await probe_fails(postgres_database)
    # A revision this code does not know: a rolling deploy migrated ahead of this
    # server (backward-compatible migrations), which keeps serving meanwhile.
    await stamped(postgres_database, "9999_from_a_newer_release")
    assert not await probe_fails(postgres_database)
