"""The chat's rate limit shared by every server: the in-memory token bucket (10 messages a
second, bursts of 20 per user), as a Redis hash per user changed by one Lua script, so a
user spread over several servers gets the one allowance. A bucket left alone until full
again expires (a missing bucket is a full one). While Redis is unreachable each server
falls back to its own bucket (adapters/redis/outage.py)."""

from __future__ import annotations

import math
from datetime import datetime

from redis.asyncio import Redis

from adapters.memory.chat.rate import BURST, RATE_PER_SECOND
from adapters.redis.keys import HashedKeys
from adapters.redis.outage import RedisOutage
from application.chat.ports import RateLimiter

# KEYS[1]: the bucket; ARGV: now (ms), rate (per s), burst, ttl (ms). A string (Lua
# numbers reach Python as truncated integers): "-1" when a token was taken, else the
# seconds to wait. Time never runs backwards for a bucket (servers' clocks may differ).
_TAKE = """
local now, rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local answer = '-1'
if tokens < 1 then
  answer = tostring((1 - tokens) / rate)
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return answer
"""


class RedisRateLimiter(RateLimiter):
    def __init__(
        self,
        client: Redis,
        keys: HashedKeys,
        rate: float = RATE_PER_SECOND,
        burst: float = BURST,
    ) -> None:
        self._keys = keys
        self._rate = rate
        self._burst = burst
        # Refilled in burst / rate seconds: then the key may go (a second's slack).
        self._ttl_ms = math.ceil(burst / rate * 1000) + 1000
        self._script = client.register_script(_TAKE)

    async def take(self, user_id: str, now: datetime) -> float | None:
        key = self._keys.key("chat:rate", user_id)
        args = [int(now.timestamp() * 1000), self._rate, self._burst, self._ttl_ms]
        answer = float(await self._script(keys=[key], args=args))
        return None if answer < 0 else answer


class FallbackRateLimiter(RateLimiter):
    def __init__(self, shared: RateLimiter, local: RateLimiter, outage: RedisOutage) -> None:
        self._shared = shared
        self._local = local
        self._outage = outage

    async def take(self, user_id: str, now: datetime) -> float | None:
        return await self._outage.run(
            lambda: self._shared.take(user_id, now), lambda: self._local.take(user_id, now)
        )
