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


class Argon2Hashing(PasswordHasher):
    """What every argon2 hasher shares, wherever it runs the hashes: the profile, the
    unknown user's dummy verify and the rehash check (cheap, on the caller's thread)."""

    def __init__(self, profile: str) -> None:
        self._hasher = argon2.PasswordHasher.from_parameters(PROFILES[profile])
        self._dummy_hash: str | None = None

    async def verify_dummy(self, password: str) -> None:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(DUMMY_PASSWORD)
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


class Argon2PasswordHasher(Argon2Hashing):
    """argon2id in worker threads, at most `max_concurrency` at once, off the event loop.

    The limiter bounds both CPU and memory (the low-memory profile takes 64 MiB a hash).
    The threads run at the event loop's priority, so under a login flood they take its
    CPU (measured: GET /todos/{id}'s p99 ~10x): servers use ProcessPoolPasswordHasher
    (argon2_processes.py); this one is for tests and the CLI (CASEWORKS_HASH_WORKERS=0).
    """

    def __init__(self, profile: str = "RFC_9106_LOW_MEMORY", max_concurrency: int = 2) -> None:
        super().__init__(profile)
        self._limiter: CapacityLimiter | None = None
        self._max_concurrency = max_concurrency

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

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        return verify_or_false(self._hasher, password_hash, password)


DUMMY_PASSWORD = "caseworks-dummy-password"  # noqa: S105 (hashed for unknown users)


def verify_or_false(hasher: argon2.PasswordHasher, password_hash: str, password: str) -> bool:
    """False, never an error, for a wrong password, a broken hash or unencodable text."""
    try:
        return hasher.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        return False
    except (argon2.exceptions.InvalidHashError, UnicodeEncodeError):
        return False
