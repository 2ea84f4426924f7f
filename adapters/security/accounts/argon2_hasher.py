from __future__ import annotations

import argon2
import argon2.profiles
from anyio import CapacityLimiter, to_thread

from application.accounts.ports import PasswordHasher

PROFILES = {
    "RFC_9106_LOW_MEMORY": argon2.profiles.RFC_9106_LOW_MEMORY,
    "RFC_9106_HIGH_MEMORY": argon2.profiles.RFC_9106_HIGH_MEMORY,
    "CHEAPEST": argon2.profiles.CHEAPEST,
}


class Argon2PasswordHasher(PasswordHasher):
    """argon2id in worker threads, at most `max_concurrency` at once, off the event loop.

    The limiter bounds both CPU and memory (the low-memory profile takes 64 MiB a hash).
    """

    def __init__(self, profile: str = "RFC_9106_LOW_MEMORY", max_concurrency: int = 2) -> None:
        self._hasher = argon2.PasswordHasher.from_parameters(PROFILES[profile])
        self._limiter: CapacityLimiter | None = None
        self._max_concurrency = max_concurrency
        self._dummy_hash: str | None = None

    def _get_limiter(self) -> CapacityLimiter:
        # Made lazily: a CapacityLimiter binds to the event loop that first uses it.
        if self._limiter is None:
            self._limiter = CapacityLimiter(self._max_concurrency)
        return self._limiter

    async def hash(self, password: str) -> str:
        return await to_thread.run_sync(self._hasher.hash, password, limiter=self._get_limiter())

    async def verify(self, password_hash: str, password: str) -> bool:
        return await to_thread.run_sync(
            self._verify_sync, password_hash, password, limiter=self._get_limiter()
        )

    async def verify_dummy(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("caseworks-dummy-password")
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except argon2.exceptions.VerificationError:
            return False
        except (argon2.exceptions.InvalidHashError, UnicodeEncodeError):
            return False
