"""Presence entries expire unless their server renews them: a crashed server's sockets
drop out of every room's online list on their own."""

from __future__ import annotations

import contextlib
import logging

from application.chat.presence import Presence
from entrypoints.background import repeating

log = logging.getLogger(__name__)
RENEW_EVERY_SECONDS = 10.0  # a third of the entries' 30 s life


async def _renew(presence: Presence) -> None:
    try:
        await presence.refresh()
    except Exception:  # Redis away: the bus reports it; entries renew once it is back
        log.warning("presence refresh failed", exc_info=True)


def renewing_presence(presence: Presence) -> contextlib.AbstractAsyncContextManager[None]:
    return repeating("caseworks-presence", lambda: RENEW_EVERY_SECONDS, lambda: _renew(presence))
