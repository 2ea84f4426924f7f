"""The 24-hour purge of idempotency keys, interleaved with a takeover on PostgreSQL.

Under READ COMMITTED, a DELETE that waits on a row another transaction is updating
re-checks that row's new version against the DELETE's own conditions only. The purge
once chose its rows in a subquery (`WHERE (user_id, key) IN (SELECT ... created_at <
cutoff LIMIT n)`), so a claim renewed while the purge waited was deleted a moment after
it was made, opening the way to a second order for one key. Two real connections here
make exactly that interleaving; memory and SQLite run one writer at a time and cannot.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.accounts import SqlUserRepository
from adapters.sql.engine import create_engine
from adapters.sql.idempotency import SqlIdempotencyRepository
from domain.shared.idempotency import KEY_RETENTION, IdempotencyRecord
from tests.contract.builders import new_user
from tests.support.storage import truncate_postgres

NOW = datetime.now(UTC)
CUTOFF = NOW - KEY_RETENTION


async def wait_until_blocked(observer: AsyncConnection, pid: int) -> None:
    """Until the connection `pid` waits for a lock (the purge reached the locked row)."""
    query = text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    for _ in range(500):
        if (await observer.execute(query, {"pid": pid})).scalar() == "Lock":
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the purge never waited on the claimed row")


async def test_a_claim_renewed_while_the_purge_waits_survives(postgres_database: str) -> None:
    engine = create_engine(postgres_database, pool_size=3)
    await truncate_postgres(engine)  # the session's database: other tests' rows go
    old = IdempotencyRecord("u-alice", "key-1", "print", "claim-old", NOW - timedelta(days=2))
    renewed = IdempotencyRecord("u-alice", "key-1", "print", "claim-new", NOW)
    try:
        async with engine.begin() as setup:
            await SqlUserRepository(setup).add(new_user("alice"))
            await SqlIdempotencyRepository(setup).add(old)

        async with (
            engine.connect() as taker,
            engine.connect() as purger,
            engine.connect() as observer,
        ):
            await taker.begin()
            takeover = SqlIdempotencyRepository(taker)
            assert await takeover.get_for_update("u-alice", "key-1") == old  # row locked

            await purger.begin()
            pid = (await purger.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            purge = asyncio.create_task(
                SqlIdempotencyRepository(purger).delete_created_before(CUTOFF, 100)
            )
            await wait_until_blocked(observer, pid)

            await takeover.save(renewed)  # the takeover renews the claim, then commits
            await taker.commit()
            deleted = await purge
            await purger.commit()

        assert deleted == 0
        async with engine.connect() as check:
            kept = await SqlIdempotencyRepository(check).get_for_update("u-alice", "key-1")
        assert kept == renewed
    finally:
        await engine.dispose()


async def test_the_purge_still_deletes_what_is_old(postgres_database: str) -> None:
    engine = create_engine(postgres_database)
    await truncate_postgres(engine)
    try:
        async with engine.begin() as setup:
            await SqlUserRepository(setup).add(new_user("bob"))
            keys = SqlIdempotencyRepository(setup)
            for n in range(3):
                age = timedelta(days=2) if n < 2 else timedelta(hours=1)
                await keys.add(IdempotencyRecord("u-bob", f"k-{n}", "p", f"c-{n}", NOW - age))
        async with engine.begin() as purger:
            assert await SqlIdempotencyRepository(purger).delete_created_before(CUTOFF, 1) == 1
            assert await SqlIdempotencyRepository(purger).delete_created_before(CUTOFF, 10) == 1
            assert await SqlIdempotencyRepository(purger).delete_created_before(CUTOFF, 10) == 0
    finally:
        await engine.dispose()
