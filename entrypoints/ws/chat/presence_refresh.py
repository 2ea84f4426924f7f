"""Presence entries expire unless their server renews them: a crashed server's sockets
drop out of every room's online list on their own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from application.chat.presence import Presence

log = logging.getLogger(__name__)
RENEW_EVERY_SECONDS = 10.0  # a third of the entries' 30 s life


async def _renew_forever(presence: Presence) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY_SECONDS)
        try:
            await presence.refresh()
        except Exception:  # Redis away: the bus reports it; entries renew once it is back
            log.warning("presence refresh failed", exc_info=True)


@contextlib.asynccontextmanager
async def renewing_presence(presence: Presence) -> AsyncIterator[None]:
    task = asyncio.create_task(_renew_forever(presence), name="caseworks-presence")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
