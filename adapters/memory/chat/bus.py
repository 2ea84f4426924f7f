"""The bus within one process: enough for one server (and for tests); several servers
need the Redis bus."""

from __future__ import annotations

import logging
from collections.abc import Callable

from application.chat.bus import ChatEvent, Deliver, MessageBus, Subscription

log = logging.getLogger("caseworks.chat.bus")


class _LocalSubscription(Subscription):
    def __init__(self, subscribers: dict[str, set[Deliver]], room_id: str, deliver: Deliver):
        self._subscribers = subscribers
        self._room_id = room_id
        self._deliver = deliver

    async def close(self) -> None:
        room = self._subscribers.get(self._room_id)
        if room is not None:
            room.discard(self._deliver)
            if not room:
                del self._subscribers[self._room_id]


class InProcessMessageBus(MessageBus):
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Deliver]] = {}

    async def publish(self, event: ChatEvent) -> None:
        # A copy: a deliver callback may close its own subscription.
        for deliver in tuple(self._subscribers.get(event.room_id, ())):
            try:
                deliver(event)
            except Exception:  # one broken reader spoils no other, nor the publisher
                log.exception("a chat bus callback failed")

    async def subscribe(
        self, room_id: str, deliver: Deliver, resynced: Callable[[], None] | None = None
    ) -> Subscription:
        self._subscribers.setdefault(room_id, set()).add(deliver)
        return _LocalSubscription(self._subscribers, room_id, deliver)

    async def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        self._subscribers.clear()
