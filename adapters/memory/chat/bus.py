"""The bus within one process: enough for one server (and for tests); several servers
need the Redis bus."""

from __future__ import annotations

import logging
from collections.abc import Callable

from application.chat.bus import ChatEvent, Deliver, MessageBus, Subscription

log = logging.getLogger("caseworks.chat.bus")

# Each room's subscriptions, in order of arrival; keyed by subscription, so one callback
# subscribed twice is two subscriptions.
_Rooms = dict[str, dict["_LocalSubscription", Deliver]]


class _LocalSubscription(Subscription):
    def __init__(self, rooms: _Rooms, room_id: str) -> None:
        self._rooms = rooms
        self._room_id = room_id

    async def close(self) -> None:
        room = self._rooms.get(self._room_id)
        if room is not None:
            room.pop(self, None)
            if not room:
                del self._rooms[self._room_id]


class InProcessMessageBus(MessageBus):
    def __init__(self) -> None:
        self._rooms: _Rooms = {}

    async def publish(self, event: ChatEvent) -> None:
        # A copy: a deliver callback may close its own subscription.
        for deliver in tuple(self._rooms.get(event.room_id, {}).values()):
            try:
                deliver(event)
            except Exception:  # one broken reader spoils no other, nor the publisher
                log.exception("a chat bus callback failed")

    async def subscribe(
        self, room_id: str, deliver: Deliver, resynced: Callable[[], None] | None = None
    ) -> Subscription:
        subscription = _LocalSubscription(self._rooms, room_id)
        self._rooms.setdefault(room_id, {})[subscription] = deliver
        return subscription

    async def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        self._rooms.clear()
