"""One socket's outbound side: a bounded queue the bus fills without waiting, and the
order in which messages leave it.

Messages carry their room's id (1, 2, 3…). The feed sends each id once and in order: an id
it already sent is dropped (catch-up replayed it, or a second copy arrived), and an id
past the next one means the bus lost some (another server published it first, or Redis
was away), so the missing ones are read from storage before it. Storage is the truth; the
bus only says "there is more"."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from application.chat.bus import ChatEvent

Frame = Mapping[str, Any]
ReadAfter = Callable[[int, int], Awaitable[Sequence[Frame]]]
"""(after_id, limit) → the stored message frames with ids after `after_id`, in order."""


@dataclass(frozen=True, slots=True)
class Direct:
    """A frame for this socket alone, outside the room's order (an error, a pong, the
    acknowledgement of a message sent again)."""

    frame: Frame


@dataclass(frozen=True, slots=True)
class Resync:
    """The bus may have lost events (it was away): read storage for anything newer."""


Item = ChatEvent | Direct | Resync


class Outbox:
    """Bounded: a reader that falls this far behind is dropped (1013) and catches up on
    reconnect, instead of the server holding an ever-growing backlog for it."""

    def __init__(self, limit: int) -> None:
        self._queue: asyncio.Queue[Item] = asyncio.Queue(limit)
        self.overflowed = asyncio.Event()

    def offer(self, item: Item) -> None:
        if self.overflowed.is_set():
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed.set()

    async def take(self) -> Item:
        return await self._queue.get()


class RoomFeed:
    """What to send next, given what this socket has sent so far (`last_id`)."""

    def __init__(self, read_after: ReadAfter, last_id: int, gap_limit: int) -> None:
        self._read_after = read_after
        self.last_id = last_id
        self._gap_limit = gap_limit

    async def frames_for(self, item: Item) -> Sequence[Frame]:
        if isinstance(item, Direct):
            return (item.frame,)
        if isinstance(item, Resync):
            return await self.caught_up()
        frame = item.frame
        if frame.get("type") != "message":
            return (frame,)
        message_id = int(frame["id"])
        if message_id <= self.last_id:
            return ()
        if message_id == self.last_id + 1:
            self.last_id = message_id
            return (frame,)
        return await self.fill(message_id)

    async def caught_up(self) -> list[Frame]:
        frames: list[Frame] = []
        while batch := await self.fill():
            frames.extend(batch)
        return frames

    async def fill(self, up_to: int | None = None) -> Sequence[Frame]:
        """The stored messages after last_id (through `up_to`, when known)."""
        wanted = self._gap_limit if up_to is None else min(up_to - self.last_id, self._gap_limit)
        frames = await self._read_after(self.last_id, wanted)
        if frames:
            self.last_id = int(frames[-1]["id"])
        return frames
