"""How a posted message (or a presence change) reaches every connection of its room, on
this server and on the others. The database stays the source of truth: the bus may lose
events (a server restarting, Redis gone for a while), and connections recover them from
storage by message id (catch-up, gap filling)."""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """One frame for every reader of a room: `frame` is the JSON object the clients get
    (`{"type": "message", "id": …}` or `{"type": "presence", …}`)."""

    room_id: str
    frame: Mapping[str, Any]


Deliver = Callable[[ChatEvent], None]
"""Called on the event loop for each event; must not block or await (a connection puts
the event on its own bounded queue), so one slow reader never delays another."""


class BusUnavailable(Exception):
    """The bus could not publish; the message is stored and readers recover it by
    catch-up."""


class Subscription(abc.ABC):
    @abc.abstractmethod
    async def close(self) -> None:
        """Stop delivering; idempotent."""


class MessageBus(abc.ABC):
    @abc.abstractmethod
    async def publish(self, event: ChatEvent) -> None:
        """Deliver to every subscriber of the room, on every server; BusUnavailable when
        the other servers cannot be reached (this server's subscribers still get it)."""

    @abc.abstractmethod
    async def subscribe(
        self, room_id: str, deliver: Deliver, resynced: Callable[[], None] | None = None
    ) -> Subscription:
        """Returns once events published afterwards (on any server) will be delivered.
        `resynced` is called when events may have been missed (the bus came back after an
        outage): the subscriber then fills its gap from storage."""

    @abc.abstractmethod
    async def healthy(self) -> bool:
        """Whether publishing reaches the other servers right now (for /health/ready)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Release connections at shutdown."""
