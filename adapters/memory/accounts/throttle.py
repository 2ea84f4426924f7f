from __future__ import annotations

import asyncio
import math
from collections import deque
from datetime import datetime, timedelta

from application.accounts.ports import KnownClients, LoginThrottle
from application.shared.ports import Clock

MAX_KEYS = 100_000


class InMemoryLoginThrottle(LoginThrottle):
    """A sliding window of attempt times per key, for one process.

    With several workers each keeps its own count (the limit is then per worker); a shared
    store behind the same port lifts that. At most MAX_KEYS keys are kept: expired ones
    are swept first, then the oldest go, so a flood of new keys cannot exhaust memory.
    """

    def __init__(self, clock: Clock, max_failures: int = 5, window_seconds: int = 900) -> None:
        self._clock = clock
        self._max = max_failures
        self._window = timedelta(seconds=window_seconds)
        self._attempts: dict[str, deque[datetime]] = {}
        self._lock = asyncio.Lock()

    async def begin_attempt(self, key: str) -> int | None:
        async with self._lock:
            now = self._clock.now()
            attempts = self._attempts.pop(key, deque())
            while attempts and attempts[0] <= now - self._window:
                attempts.popleft()
            if len(attempts) >= self._max:
                self._attempts[key] = attempts
                wait = attempts[-self._max] + self._window - now
                return max(1, math.ceil(wait.total_seconds()))
            attempts.append(now)
            self._attempts[key] = attempts  # re-inserted: the dict stays oldest-first
            if len(self._attempts) > MAX_KEYS:
                self._sweep(now)
            return None

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._attempts.pop(key, None)

    def _sweep(self, now: datetime) -> None:
        cutoff = now - self._window
        for key in [k for k, times in self._attempts.items() if times[-1] <= cutoff]:
            del self._attempts[key]
        while len(self._attempts) > MAX_KEYS:
            del self._attempts[next(iter(self._attempts))]


class InMemoryKnownClients(KnownClients):
    """(account, client) pairs that logged in successfully, each forgotten after `days`.
    At most MAX_KEYS pairs, the oldest going first, for one process (like the throttle)."""

    def __init__(self, clock: Clock, days: int = 14) -> None:
        self._clock = clock
        self._ttl = timedelta(days=days)
        self._seen: dict[tuple[str, str], datetime] = {}

    async def remember(self, account: str, client: str) -> None:
        self._seen.pop((account, client), None)
        self._seen[(account, client)] = self._clock.now()  # re-inserted: oldest-first
        while len(self._seen) > MAX_KEYS:
            del self._seen[next(iter(self._seen))]

    async def knows(self, account: str, client: str) -> bool:
        seen = self._seen.get((account, client))
        return seen is not None and self._clock.now() - seen < self._ttl
