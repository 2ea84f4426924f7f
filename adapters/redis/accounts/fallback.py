"""The accounts' limits on Redis, falling back to this process's own while Redis is
unreachable (why: adapters/redis/outage.py)."""

from __future__ import annotations

from adapters.redis.outage import RedisOutage
from application.accounts.ports import KnownClients, LoginThrottle


class FallbackLoginThrottle(LoginThrottle):
    """Counts on Redis; during an outage, on this process alone (from zero: what Redis
    counted is not copied, nor what was counted here copied back once it returns)."""

    def __init__(self, shared: LoginThrottle, local: LoginThrottle, outage: RedisOutage) -> None:
        self._shared = shared
        self._local = local
        self._outage = outage

    async def begin_attempt(self, key: str) -> int | None:
        return await self._outage.run(
            lambda: self._shared.begin_attempt(key), lambda: self._local.begin_attempt(key)
        )

    async def reset(self, key: str) -> None:
        await self._local.reset(key)  # a count kept during an outage goes too
        await self._outage.run(lambda: self._shared.reset(key), _nothing)


class FallbackKnownClients(KnownClients):
    """Remembers on Redis and in this process, so that during an outage the real user is
    still known wherever they logged in through this process."""

    def __init__(self, shared: KnownClients, local: KnownClients, outage: RedisOutage) -> None:
        self._shared = shared
        self._local = local
        self._outage = outage

    async def remember(self, account: str, client: str) -> None:
        await self._local.remember(account, client)
        await self._outage.run(lambda: self._shared.remember(account, client), _nothing)

    async def knows(self, account: str, client: str) -> bool:
        return await self._outage.run(
            lambda: self._shared.knows(account, client),
            lambda: self._local.knows(account, client),
        )


async def _nothing() -> None:
    return None
