from __future__ import annotations

from application.chat.bus import MessageBus
from application.shared.ports import ReadinessProbe


class BusReadinessProbe(ReadinessProbe):
    """Not ready while the chat bus cannot reach the other servers (Redis down): messages
    are still stored, but this server's readers miss the others' until it is back."""

    def __init__(self, bus: MessageBus) -> None:
        self._bus = bus

    async def check(self) -> None:
        if not await self._bus.healthy():
            raise ConnectionError("the chat bus cannot reach Redis")
