"""Work the server repeats in the background while it runs (jobs, presence, metrics)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable


@contextlib.asynccontextmanager
async def repeating(
    name: str, pause: Callable[[], float], step: Callable[[], Awaitable[None]]
) -> AsyncIterator[None]:
    """For the app's lifespan: `step` after every `pause()` seconds, until the block ends.

    The step handles its own errors: one that escapes ends the repetition.
    """

    async def forever() -> None:
        while True:
            await asyncio.sleep(pause())
            await step()

    task = asyncio.create_task(forever(), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
