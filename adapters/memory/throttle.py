from __future__ import annotations

import asyncio
import math
from collections import deque
from datetime import datetime, timedelta

from application.accounts.ports import LoginThrottle
from application.shared.ports import Clock


class InMemoryLoginThrottle(LoginThrottle):
    """A sliding window of failure times per key. Per process: a shared one can replace it."""

    def __init__(self, clock: Clock, max_failures: int = 5, window_seconds: int = 900) -> None:
        self._clock = clock
        self._max = max_failures
        self._window = timedelta(seconds=window_seconds)
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = asyncio.Lock()

    async def retry_after(self, key: str) -> int | None:
        async with self._lock:
            failures = self._recent(key)
            if len(failures) < self._max:
                return None
            wait = failures[-self._max] + self._window - self._clock.now()
            return max(1, math.ceil(wait.total_seconds()))

    async def record_failure(self, key: str) -> None:
        async with self._lock:
            failures = self._recent(key)
            failures.append(self._clock.now())
            self._failures[key] = failures

    async def reset(self, key: str) -> None:
        async with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[datetime]:
        failures = self._failures.get(key, deque())
        cutoff = self._clock.now() - self._window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)  # keeps memory bounded by active keys only
        return failures
