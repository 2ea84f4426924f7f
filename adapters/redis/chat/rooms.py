"""A room's local readers on this server, as the Redis bus keeps them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from application.chat.bus import ChatEvent, Deliver

log = logging.getLogger("caseworks.chat.bus")


@dataclass(eq=False)
class RoomSubscriber:
    deliver: Deliver
    resynced: Callable[[], None] | None


@dataclass(eq=False)
class Room:
    """One generation of a room's local readers: a room that empties is dropped, and the
    next reader starts a new Room (a new subscription) under the same channel."""

    room_id: str
    channel: str
    subscribers: dict[RoomSubscriber, None] = field(default_factory=dict)
    # Done once Redis confirmed the channel (or it is down: waiting would not help).
    ready: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    # Events may have been missed: tell the readers once the channel is confirmed again.
    resync_when_ready: bool = False

    def release_waiters(self) -> None:
        if not self.ready.done():
            self.ready.set_result(None)

    def confirmed(self) -> None:
        self.release_waiters()
        if self.resync_when_ready:
            self.resync_when_ready = False
            for subscriber in tuple(self.subscribers):
                if subscriber.resynced is not None:
                    _call(subscriber.resynced)


def deliver_all(room: Room, event: ChatEvent) -> None:
    """Each reader's callback in turn, never awaited; one that raises spoils no other.
    A copy: a callback may close its own subscription."""
    for subscriber in tuple(room.subscribers):
        _call(subscriber.deliver, event)


def _call(callback: Callable[..., None], *args: object) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("a chat bus callback failed")
