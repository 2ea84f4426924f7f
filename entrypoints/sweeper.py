"""The order sweeper: while the server runs, unpaid orders past their time expire (their
stock comes back) and idempotency keys older than 24 h are forgotten.

Every worker process runs its own; the use cases lock each order and check it again, so
sweepers racing each other (or a buyer cancelling) return stock exactly once. The pause
is drawn from 30-60 s each time, so workers started together do not sweep in lockstep.
`caseworks orders expire` runs the same pass once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from typing import Protocol

from application.shop.use_cases import ExpireOrders, ForgetIdempotencyKeys

log = logging.getLogger("caseworks.shop.sweeper")

PAUSE_SECONDS = (30.0, 60.0)


class Housekeeping(Protocol):
    """What the sweeper reaches of the container."""

    def expire_orders(self) -> ExpireOrders: ...
    def forget_idempotency_keys(self) -> ForgetIdempotencyKeys: ...


async def sweep(container: Housekeeping) -> tuple[int, int]:
    """One pass: (orders expired, idempotency keys forgotten)."""
    expired = await container.expire_orders().execute()
    forgotten = await container.forget_idempotency_keys().execute()
    return expired, forgotten


async def sweep_forever(container: Housekeeping) -> None:
    while True:
        await asyncio.sleep(random.uniform(*PAUSE_SECONDS))  # noqa: S311 (jitter, not a secret)
        try:
            expired, forgotten = await sweep(container)
        except Exception:
            # The database may be down for a while: log, and try again next time.
            log.exception("order sweep failed")
            continue
        if expired or forgotten:
            log.info("order sweep", extra={"expired": expired, "forgotten_keys": forgotten})


@contextlib.asynccontextmanager
async def running_sweeper(container: Housekeeping) -> AsyncIterator[None]:
    """For the app's lifespan: sweeps in the background until the server stops."""
    task = asyncio.create_task(sweep_forever(container), name="caseworks-order-sweeper")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
