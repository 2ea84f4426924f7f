"""Presence shared by every server: a sorted set per room (`<prefix>chat:presence:<room>`)
whose members are connections and whose scores are their expiry times, renewed by the
server that holds them. Entries past their expiry are ignored, then removed."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import timedelta

from redis.asyncio import Redis

from adapters.redis.client import REDIS_UNREACHABLE
from application.chat.presence import OnlineUser, Presence, PresenceUnavailable
from application.shared.ports import Clock


class RedisPresence(Presence):
    def __init__(self, client: Redis, prefix: str, clock: Clock, ttl_seconds: float = 30.0) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        # This server's live connections: (room, connection) -> member, for leave and refresh.
        self._live: dict[tuple[str, str], str] = {}

    async def enter(self, room_id: str, connection_id: str, user_id: str, username: str) -> bool:
        member = json.dumps([connection_id, user_id, username])
        self._live[(room_id, connection_id)] = member
        others = [user for user in await self._members(room_id) if user[0] != connection_id]
        with _reached():
            await self._client.zadd(self._key(room_id), {member: self._expiry()})
        return all(other[1] != user_id for other in others)

    async def leave(self, room_id: str, connection_id: str) -> bool:
        member = self._live.pop((room_id, connection_id), None)
        if member is None:
            return False
        with _reached():
            await self._client.zrem(self._key(room_id), member)
        user_id = json.loads(member)[1]
        return all(other[1] != user_id for other in await self._members(room_id))

    async def online(self, room_id: str) -> list[OnlineUser]:
        users = {
            user_id: OnlineUser(user_id, name) for _, user_id, name in await self._members(room_id)
        }
        return sorted(users.values(), key=lambda user: (user.username, user.user_id))

    async def refresh(self) -> int:
        if not self._live:
            return 0
        expiry = self._expiry()
        with _reached():
            async with self._client.pipeline(transaction=False) as pipe:
                for (room_id, _), member in self._live.items():
                    pipe.zadd(self._key(room_id), {member: expiry})
                await pipe.execute()
        return len(self._live)

    async def _members(self, room_id: str) -> list[tuple[str, str, str]]:
        now = self._clock.now().timestamp()
        key = self._key(room_id)
        with _reached():
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.zremrangebyscore(key, "-inf", now)
                pipe.zrangebyscore(key, f"({now}", "+inf")
                _, members = await pipe.execute()
        entries = [json.loads(member) for member in members]
        return [(str(c), str(u), str(n)) for c, u, n in entries]

    def _expiry(self) -> float:
        return (self._clock.now() + self._ttl).timestamp()

    def _key(self, room_id: str) -> str:
        return f"{self._prefix}chat:presence:{room_id}"


@contextlib.contextmanager
def _reached() -> Iterator[None]:
    """Redis's own errors leave as the port's: a 503 on HTTP, not a 500."""
    try:
        yield
    except REDIS_UNREACHABLE as exc:
        raise PresenceUnavailable(f"Redis: {type(exc).__name__}") from exc
