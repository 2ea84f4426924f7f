"""Idempotency keys for PlaceOrder. A key is claimed in a short transaction of its own, so
a concurrent retry sees "in progress" at once instead of waiting on the order's locks; the
order's transaction completes the claim, and a failed placement releases it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from application.shared.ids import new_id
from application.shared.ports import Clock, StorageConflict, StorageUnavailable
from application.shop.ports import DuplicateIdempotencyKey, ShopUnitOfWork
from domain.shop.errors import IdempotencyKeyInProgress, IdempotencyKeyReused, OrderNotFound
from domain.shop.idempotency import KEY_RETENTION, IdempotencyRecord
from domain.shop.orders import Order


@dataclass(frozen=True, slots=True)
class Claim:
    user_id: str
    key: str
    token: str


def _in_progress(key: str) -> IdempotencyKeyInProgress:
    return IdempotencyKeyInProgress(f"a request with idempotency key {key!r} is in progress")


def _still_holds(record: IdempotencyRecord, claim: Claim) -> bool:
    """Whether the record is still this request's open claim: not taken over, not done."""
    return record.claim_token == claim.token and not record.completed


class IdempotencyKeys:
    def __init__(self, uow: ShopUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def claim(self, user_id: str, key: str, fingerprint: str) -> Claim | Order:
        """A claim on the key, or the order a completed request with it placed (as placed).
        A claim that expired (24 h) or went stale (its request died) is taken over."""
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
                        f"idempotency key {key!r} was used with another request body"
                    )
                elif record.order_id is not None:
                    order = await uow.orders.get(record.order_id)
                    if order is None:  # orders are never deleted: storage lost it
                        raise OrderNotFound.with_id(record.order_id)
                    return order.as_placed()
                elif record.is_stale(now):
                    await uow.idempotency.save(fresh)
                else:
                    raise _in_progress(key)
                await uow.commit()
        except DuplicateIdempotencyKey:
            raise _in_progress(key) from None  # a concurrent request claimed it first
        return Claim(user_id, key, fresh.claim_token)

    @staticmethod
    async def complete(uow: ShopUnitOfWork, claim: Claim, order_id: str) -> None:
        """In the order's transaction: the key now answers with this order. Refused when
        the claim was taken over meanwhile (this request ran past the claim timeout), so
        the order is rolled back rather than placed twice."""
        record = await uow.idempotency.get_for_update(claim.user_id, claim.key)
        if record is None or not _still_holds(record, claim):
            raise _in_progress(claim.key)
        await uow.idempotency.save(record.complete(order_id))

    async def release(self, claim: Claim) -> None:
        """After a failed placement: free the key, so a retry is evaluated afresh. If
        storage fails here too, the claim goes stale and is taken over later."""
        with contextlib.suppress(StorageUnavailable, StorageConflict):
            async with self._uow.write() as uow:
                record = await uow.idempotency.get_for_update(claim.user_id, claim.key)
                if record is not None and _still_holds(record, claim):
                    await uow.idempotency.delete(claim.user_id, claim.key)
                    await uow.commit()


class ForgetIdempotencyKeys:
    """Housekeeping: drop keys older than their 24 h retention, in batches."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock, batch_size: int = 1000) -> None:
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
