"""A token bucket per user, in this process: 10 messages a second, bursts of 20. Without
Redis there is one server; with it the bucket is shared (adapters/redis/chat/rate.py) and
this one only stands in while Redis is unreachable."""

from __future__ import annotations

from datetime import datetime

from application.chat.ports import RateLimiter

RATE_PER_SECOND = 10.0
BURST = 20.0
_MAX_USERS = 100_000  # a full bucket is forgotten, so memory stays bounded


class InMemoryRateLimiter(RateLimiter):
    def __init__(self, rate: float = RATE_PER_SECOND, burst: float = BURST) -> None:
        self._rate = rate
        self._burst = burst
        self._buckets: dict[str, tuple[float, datetime]] = {}  # tokens left, when

    async def take(self, user_id: str, now: datetime) -> float | None:
        tokens, then = self._buckets.get(user_id, (self._burst, now))
        tokens = min(self._burst, tokens + max(0.0, (now - then).total_seconds()) * self._rate)
        if tokens < 1:
            self._buckets[user_id] = (tokens, now)
            return (1 - tokens) / self._rate
        if len(self._buckets) >= _MAX_USERS:
            self._forget_full(now)
        self._buckets[user_id] = (tokens - 1, now)
        return None

    def _forget_full(self, now: datetime) -> None:
        for user_id, (tokens, then) in list(self._buckets.items()):
            if tokens + (now - then).total_seconds() * self._rate >= self._burst:
                del self._buckets[user_id]
