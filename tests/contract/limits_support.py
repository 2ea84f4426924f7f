"""The limits (login throttles, known clients, the chat's rate) as several server
processes see them: on Redis, each "server" an adapter with a Redis client of its own, all
under one prefix of this test's own; in memory, one process's one object."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from adapters.redis.keys import HashedKeys
from tests.support.redis import client_for, random_prefix, redis_url

SECRET = "limits-contract-secret-long-enough-0123456789"


class SharedRedis:
    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = random_prefix()
        self.keys = HashedKeys(self.prefix, SECRET)
        self.inspect = client_for(url)  # the test's own view of what is stored
        self._clients: list[Redis] = []

    def client(self) -> Redis:
        """The Redis client of a new server process."""
        client = client_for(self.url)
        self._clients.append(client)
        return client

    async def stored_keys(self) -> list[str]:
        return sorted([k.decode() async for k in self.inspect.scan_iter(match=f"{self.prefix}*")])

    async def close(self) -> None:
        stored = await self.stored_keys()
        if stored:
            await self.inspect.delete(*stored)
        for client in [*self._clients, self.inspect]:
            await client.aclose()


@asynccontextmanager
async def shared_redis() -> AsyncIterator[SharedRedis]:
    """Skips without CASEWORKS_TEST_REDIS_URL (fails in CI)."""
    redis = SharedRedis(await redis_url())
    try:
        yield redis
    finally:
        await redis.close()
