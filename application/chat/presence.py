"""Who is connected to a room right now, across servers. Each connection enters on
connect and leaves on close; entries carry an expiry the server renews (`refresh`), so a
crashed server's connections drop out on their own."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from application.shared.ports import StorageUnavailable


@dataclass(frozen=True, slots=True)
class OnlineUser:
    user_id: str
    username: str


class PresenceUnavailable(StorageUnavailable):
    """Where presence is kept (Redis) cannot be reached: a storage outage like the
    database's (503, retry later), though nothing of the chat's history is at stake."""

    detail = "who is online is unavailable; retry shortly"


class Presence(abc.ABC):
    """Every method raises PresenceUnavailable when the presence store cannot be reached."""

    @abc.abstractmethod
    async def enter(self, room_id: str, connection_id: str, user_id: str, username: str) -> bool:
        """Record a connection; True when its user was not online in the room before (a
        "join" worth announcing), False for the user's second tab."""

    @abc.abstractmethod
    async def leave(self, room_id: str, connection_id: str) -> bool:
        """Forget a connection (idempotent); True when its user has no other live
        connection in the room (a "leave" worth announcing)."""

    @abc.abstractmethod
    async def online(self, room_id: str) -> list[OnlineUser]:
        """The distinct users with a live connection in the room, by username."""

    @abc.abstractmethod
    async def refresh(self) -> int:
        """Renew the expiry of this server's live connections (every third of the time to
        live); how many were renewed."""
