"""The login throttle and the known clients in Redis, shared by every server process.

The throttle is the in-memory one's sliding window, as a sorted set per key (attempt
times as scores) changed by one Lua script, so check-and-count is atomic across servers:
a burst of parallel guesses on two servers cannot all pass. A set holds at most the limit
(a blocked attempt counts nothing) and expires with its window. Times come from the Clock
port (as in memory): servers' clocks must agree to well within the window (NTP does)."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta

from redis.asyncio import Redis

from adapters.redis.keys import HashedKeys
from application.accounts.ports import KnownClients, LoginThrottle
from application.shared.ports import Clock

# KEYS[1]: the key; ARGV: now (ms), window (ms), limit, a unique member. -1 when counted,
# else the milliseconds until the oldest attempt that blocks leaves the window.
_BEGIN_ATTEMPT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local blocking = redis.call('ZRANGE', KEYS[1], -limit, -limit, 'WITHSCORES')
  return tonumber(blocking[2]) + window - now
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return -1
"""


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class RedisLoginThrottle(LoginThrottle):
    def __init__(
        self,
        client: Redis,
        keys: HashedKeys,
        kind: str,
        clock: Clock,
        max_failures: int = 5,
        window_seconds: int = 900,
    ) -> None:
        self._client = client
        self._keys = keys
        self._kind = kind  # throttles on one Redis never share a key
        self._clock = clock
        self._max = max_failures
        self._window_ms = window_seconds * 1000
        self._script = client.register_script(_BEGIN_ATTEMPT)

    async def begin_attempt(self, key: str) -> int | None:
        now = _ms(self._clock.now())
        args: list[int | str] = [now, self._window_ms, self._max, f"{now}:{uuid.uuid4().hex}"]
        wait_ms = int(await self._script(keys=[self._keys.key(self._kind, key)], args=args))
        if wait_ms < 0:
            return None
        return max(1, math.ceil(wait_ms / 1000))

    async def reset(self, key: str) -> None:
        await self._client.delete(self._keys.key(self._kind, key))


class RedisKnownClients(KnownClients):
    """A key per (account, client) holding when it last logged in, expiring with it."""

    def __init__(self, client: Redis, keys: HashedKeys, clock: Clock, days: int = 14) -> None:
        self._client = client
        self._keys = keys
        self._clock = clock
        self._ttl = timedelta(days=days)

    async def remember(self, account: str, client: str) -> None:
        ttl_ms = int(self._ttl.total_seconds() * 1000)
        await self._client.set(self._key(account, client), _ms(self._clock.now()), px=ttl_ms)

    async def knows(self, account: str, client: str) -> bool:
        seen = await self._client.get(self._key(account, client))
        if seen is None:
            return False
        return _ms(self._clock.now()) - int(seen) < self._ttl.total_seconds() * 1000

    def _key(self, account: str, client: str) -> str:
        # Both parts in one digest, the account's length first: no two pairs read alike.
        return self._keys.key("accounts:known", f"{len(account)}:{account}|{client}")
