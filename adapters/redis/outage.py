"""What the limits do while Redis is unreachable: each call falls back to this process's
own in-memory limiter instead of failing. Why not fail closed: refusing every login while
Redis is down turns a cache outage into a full lock-out of every user (an attacker who can
disturb Redis gets that for free). Why not fail open: the in-memory limiter still stops a
brute force on each process (the limit is then per process, as before Redis). So logins
keep their limits, only not shared, and /health/ready says Redis is down meanwhile.

After a failure Redis is left alone for RETRY_SECONDS (the calls go straight to the
fallback), so an outage costs each login no timeout; the warning is logged once per
outage, and once more when Redis answers again."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from adapters.redis.client import REDIS_UNREACHABLE

log = logging.getLogger("caseworks.redis")

RETRY_SECONDS = 5.0
T = TypeVar("T")


class RedisOutage:
    """One per process, shared by every limiter on the same Redis."""

    def __init__(self, retry_seconds: float | None = None) -> None:
        self._retry_seconds = RETRY_SECONDS if retry_seconds is None else retry_seconds
        self._down_until: float | None = None  # monotonic; None while Redis answers

    @property
    def down(self) -> bool:
        return self._down_until is not None

    async def run(self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]) -> T:
        """`shared()` on Redis; `local()` when it fails, or while Redis is known down."""
        if self._down_until is not None and time.monotonic() < self._down_until:
            return await local()
        try:
            result = await shared()
        except REDIS_UNREACHABLE as exc:
            if self._down_until is None:
                log.warning(
                    "Redis is unreachable (%s): limits fall back to this process",
                    type(exc).__name__,
                )
            self._down_until = time.monotonic() + self._retry_seconds
            return await local()
        if self._down_until is not None:
            log.warning("Redis answers again: limits are shared again")
            self._down_until = None
        return result
