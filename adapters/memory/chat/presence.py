"""Presence within one process, with the same expiry rule as the Redis adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.chat.presence import OnlineUser, Presence
from application.shared.ports import Clock


@dataclass
class _Entry:
    user: OnlineUser
    expires_at: datetime


class InMemoryPresence(Presence):
    def __init__(self, clock: Clock, ttl_seconds: float = 30.0) -> None:
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._rooms: dict[str, dict[str, _Entry]] = {}

    async def enter(self, room_id: str, connection_id: str, user_id: str, username: str) -> bool:
        was_online = self._is_online(room_id, user_id)
        entry = _Entry(OnlineUser(user_id, username), self._clock.now() + self._ttl)
        self._rooms.setdefault(room_id, {})[connection_id] = entry
        return not was_online

    async def leave(self, room_id: str, connection_id: str) -> bool:
        room = self._rooms.get(room_id, {})
        entry = room.pop(connection_id, None)
        if not room:
            self._rooms.pop(room_id, None)
        return entry is not None and not self._is_online(room_id, entry.user.user_id)

    async def online(self, room_id: str) -> list[OnlineUser]:
        users = {entry.user.user_id: entry.user for entry in self._live(room_id)}
        return sorted(users.values(), key=lambda user: (user.username, user.user_id))

    async def refresh(self) -> int:
        expires_at = self._clock.now() + self._ttl
        renewed = 0
        for room in self._rooms.values():
            for entry in room.values():
                entry.expires_at = expires_at
                renewed += 1
        return renewed

    def _live(self, room_id: str) -> list[_Entry]:
        now = self._clock.now()
        return [entry for entry in self._rooms.get(room_id, {}).values() if entry.expires_at > now]

    def _is_online(self, room_id: str, user_id: str) -> bool:
        return any(entry.user.user_id == user_id for entry in self._live(room_id))
