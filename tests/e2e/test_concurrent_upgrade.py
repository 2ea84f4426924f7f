"""Several `caseworks db upgrade` at once on one PostgreSQL database (servers or deploy
jobs starting together) take turns on an advisory lock: every one exits 0, the later
ones finding nothing to do, and the schema is at the head."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from adapters.sql.engine import create_engine
from adapters.sql.migrate import alembic_config
from tests.e2e.conftest import environment_in
from tests.support.storage import postgres_url, scratch_postgres_database

RUNS = 3


async def version_at(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return str(found.scalar_one())
    finally:
        await engine.dispose()


def test_concurrent_upgrades_all_succeed(tmp_path: Path) -> None:
    with scratch_postgres_database(postgres_url(), migrate=False) as url:
        env = {**environment_in(tmp_path), "CASEWORKS_DATABASE_URL": url}
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "entrypoints.cli", "db", "upgrade"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(RUNS)
        ]
        outcomes = [run.communicate(timeout=120)[1] for run in runs]
        for run, stderr in zip(runs, outcomes, strict=True):
            assert run.returncode == 0, stderr
            assert "Traceback" not in stderr
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert asyncio.run(version_at(url)) == head
