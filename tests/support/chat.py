"""Chat test doubles: a bus that records what was published (and can be made to fail)."""

from __future__ import annotations

from adapters.memory.chat.bus import InProcessMessageBus
from application.chat.bus import BusUnavailable, ChatEvent


class RecordingBus(InProcessMessageBus):
    """The in-process bus, keeping every published event; `down` makes publish fail as a
    bus that cannot reach the other servers does (after local delivery)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[ChatEvent] = []
        self.down = False

    async def publish(self, event: ChatEvent) -> None:
        self.published.append(event)
        await super().publish(event)
        if self.down:
            raise BusUnavailable("the bus is down (test)")
