"""Idempotent commands, for any context: a create command that carries an Idempotency-Key
runs at most once per user and key, and a retry gets the first answer.

A key is claimed in a short transaction of its own, so a concurrent retry sees "in
progress" at once instead of waiting on the command's locks; the command's own transaction
completes the claim (so the result and the key commit together), and a failed command
releases it. The fingerprint is taken here, over the canonical command, so every edge
(HTTP, WebSocket, CLI, a test) that sends the same command with the same key gets a replay.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from application.shared.ids import new_id
from application.shared.ports import Clock, StorageConflict, StorageUnavailable, UnitOfWork
from domain.shared.idempotency import (
    KEY_RETENTION,
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    IdempotencyRecord,
    check_idempotency_key,
)

T = TypeVar("T")


class DuplicateIdempotencyKey(Exception):
    """add() met a record for the same user and key (another request claimed it first)."""


class IdempotencyRepository(abc.ABC):
    """Records keyed by (user_id, key): keys are scoped per user, shared by all commands."""

    @abc.abstractmethod
    async def get_for_update(self, user_id: str, key: str) -> IdempotencyRecord | None:
        """The record, locked until commit (an absent one cannot be locked: add() then
        raises DuplicateIdempotencyKey if a concurrent request added it first)."""

    @abc.abstractmethod
    async def add(self, record: IdempotencyRecord) -> None:
        """Raise DuplicateIdempotencyKey if the user already has a record for this key."""

    @abc.abstractmethod
    async def save(self, record: IdempotencyRecord) -> None:
        """Replace the record with the same user and key (a takeover or completion)."""

    @abc.abstractmethod
    async def delete(self, user_id: str, key: str) -> None: ...

    @abc.abstractmethod
    async def delete_created_before(self, cutoff: datetime, limit: int) -> int:
        """Forget up to `limit` records created before the cutoff; how many went. A record
        renewed meanwhile (a takeover gives it a new `created_at`) is never deleted."""


class IdempotentUnitOfWork(UnitOfWork):
    """The unit of work of a context with idempotent commands."""

    idempotency: IdempotencyRepository


def fingerprint(command: str, content: Any) -> str:
    """What identifies a request, whichever edge sent it: the command's name and its
    canonical content (JSON, keys sorted), hashed to a fixed size."""
    canonical = json.dumps([command, content], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    user_id: str
    key: str
    token: str


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was completed before: the id of what the first request made."""

    result_id: str


def _in_progress(key: str) -> IdempotencyKeyInProgress:
    return IdempotencyKeyInProgress(f"a request with idempotency key {key!r} is in progress")


def _still_holds(record: IdempotencyRecord, claim: Claim) -> bool:
    """Whether the record is still this request's open claim: not taken over, not done."""
    return record.claim_token == claim.token and not record.completed


class IdempotencyKeys:
    def __init__(self, uow: IdempotentUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def once(
        self,
        user_id: str,
        key: str | None,
        fingerprint: str,
        command: Callable[[Claim | None], Awaitable[T]],
    ) -> T | Replay:
        """Run `command` (which completes the claim it is given in its own transaction),
        or answer the Replay of the first request with this key. Without a key: just run."""
        if key is None:
            return await command(None)
        claimed = await self.claim(user_id, key, fingerprint)
        if isinstance(claimed, Replay):
            return claimed
        try:
            return await command(claimed)
        except BaseException:
            await self.release(claimed)
            raise

    async def claim(self, user_id: str, key: str, fingerprint: str) -> Claim | Replay:
        """A claim on the key, or the result of a completed request with it. A claim that
        expired (24 h) or went stale (its request died) is taken over."""
        check_idempotency_key(key)
        now = self._clock.now()
        fresh = IdempotencyRecord(user_id, key, fingerprint, new_id(), now)
        try:
            async with self._uow.write() as uow:
                record = await uow.idempotency.get_for_update(user_id, key)
                if record is None:
                    await uow.idempotency.add(fresh)
                elif record.is_expired(now):
                    await uow.idempotency.save(fresh)
                elif record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        f"idempotency key {key!r} was used with another request"
                    )
                elif record.result_id is not None:
                    return Replay(record.result_id)
                elif record.is_stale(now):
                    await uow.idempotency.save(fresh)
                else:
                    raise _in_progress(key)
                await uow.commit()
        except DuplicateIdempotencyKey:
            raise _in_progress(key) from None  # a concurrent request claimed it first
        return Claim(user_id, key, fresh.claim_token)

    @staticmethod
    async def complete(uow: IdempotentUnitOfWork, claim: Claim, result_id: str) -> None:
        """In the command's transaction: the key now answers with this result. Refused when
        the claim was taken over meanwhile (this request ran past the claim timeout), so
        the command is rolled back rather than done twice."""
        record = await uow.idempotency.get_for_update(claim.user_id, claim.key)
        if record is None or not _still_holds(record, claim):
            raise _in_progress(claim.key)
        await uow.idempotency.save(record.complete(result_id))

    async def release(self, claim: Claim) -> None:
        """After a failed command: free the key, so a retry is evaluated afresh. If
        storage fails here too, the claim goes stale and is taken over later."""
        with contextlib.suppress(StorageUnavailable, StorageConflict):
            async with self._uow.write() as uow:
                record = await uow.idempotency.get_for_update(claim.user_id, claim.key)
                if record is not None and _still_holds(record, claim):
                    await uow.idempotency.delete(claim.user_id, claim.key)
                    await uow.commit()


class ForgetIdempotencyKeys:
    """A job: drop keys older than their 24 h retention, in batches."""

    def __init__(self, uow: IdempotentUnitOfWork, clock: Clock, batch_size: int = 1000) -> None:
        self._uow = uow
        self._clock = clock
        self._batch_size = batch_size

    async def execute(self) -> int:
        cutoff = self._clock.now() - KEY_RETENTION
        forgotten = 0
        while True:
            async with self._uow.write() as uow:
                deleted = await uow.idempotency.delete_created_before(cutoff, self._batch_size)
                await uow.commit()
            forgotten += deleted
            if deleted < self._batch_size:
                return forgotten
