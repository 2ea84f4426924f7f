"""IdempotencyRepository contract: one record per (user, key), a claim race decided by the
key itself, replace, delete and the purge of old keys. The keys are the shared kernel's:
the tests use its own unit of work (`uows.keys`), and a context's unit of work that binds
them (the shop's) reaches the same keyspace."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from application.shared.idempotency import DuplicateIdempotencyKey, IdempotentUnitOfWork
from application.shared.ports import ReadOnlyTransaction
from domain.shared.idempotency import IdempotencyRecord
from tests.contract.builders import add_users, assert_utc, at, new_record, new_user
from tests.support.storage import Uows

ALICE, BOB = "u-alice", "u-bob"
KEY = "3f2c-Key_with.every~visible!char"


async def _users(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("bob"))


async def _add(uows: Uows, *records: IdempotencyRecord) -> None:
    async with uows.keys().write() as uow:
        for record in records:
            await uow.idempotency.add(record)
        await uow.commit()


async def _stored(uows: Uows, user_id: str, key: str) -> IdempotencyRecord | None:
    async with uows.keys().write() as uow:
        return await uow.idempotency.get_for_update(user_id, key)


async def test_add_then_get_returns_every_field_per_user(uows: Uows) -> None:
    await _users(uows)
    long_key = "k" * 255
    await _add(
        uows,
        new_record(ALICE, KEY, at(1.5), "a" * 64, "claim-a"),
        new_record(BOB, KEY, at(2), "b" * 64, "claim-b"),  # another user's key is another
        new_record(ALICE, long_key),
    )

    alices, bobs = await _stored(uows, ALICE, KEY), await _stored(uows, BOB, KEY)

    assert alices == new_record(ALICE, KEY, at(1.5), "a" * 64, "claim-a")
    assert alices is not None
    assert_utc(alices.created_at, at(1.5))
    assert bobs == new_record(BOB, KEY, at(2), "b" * 64, "claim-b")
    assert await _stored(uows, ALICE, long_key) == new_record(ALICE, long_key)
    assert await _stored(uows, ALICE, "other-key") is None
    assert await _stored(uows, "u-nobody", KEY) is None


async def test_a_second_add_is_refused_and_the_transaction_goes_on(uows: Uows) -> None:
    await _users(uows)
    await _add(uows, new_record(ALICE, KEY, claim="first"))

    async with uows.keys().write() as uow:
        with pytest.raises(DuplicateIdempotencyKey):
            await uow.idempotency.add(new_record(ALICE, KEY, claim="second"))
        await uow.idempotency.add(new_record(BOB, KEY))
        await uow.commit()

    first = await _stored(uows, ALICE, KEY)
    assert first is not None
    assert first.claim_token == "first"
    assert await _stored(uows, BOB, KEY) is not None


async def test_racing_claims_of_one_key_leave_one_winner(uows: Uows) -> None:
    await _users(uows)

    async def claim(i: int) -> str:
        async with uows.keys().write() as uow:
            await uow.idempotency.add(new_record(ALICE, KEY, claim=f"claim-{i}"))
            await asyncio.sleep(0.005)  # commit late: the others' inserts meet an open one
            await uow.commit()
        return f"claim-{i}"

    results = await asyncio.gather(*(claim(i) for i in range(20)), return_exceptions=True)

    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if not isinstance(r, str)]
    assert len(winners) == 1
    assert all(isinstance(r, DuplicateIdempotencyKey) for r in losers)
    assert len(losers) == 19
    stored = await _stored(uows, ALICE, KEY)
    assert stored is not None
    assert stored.claim_token == winners[0]


async def test_save_replaces_the_record_with_the_same_user_and_key(uows: Uows) -> None:
    await _users(uows)
    await _add(uows, new_record(ALICE, KEY), new_record(BOB, KEY))

    async with uows.keys().write() as uow:
        record = await uow.idempotency.get_for_update(ALICE, KEY)
        assert record is not None
        # Any context's result: an id that names no order is fine (no foreign key).
        await uow.idempotency.save(record.complete("o-1"))
        await uow.commit()
    completed = await _stored(uows, ALICE, KEY)
    async with uows.keys().write() as uow:  # a takeover: everything but user and key
        assert await uow.idempotency.get_for_update(ALICE, KEY) == completed
        await uow.idempotency.save(new_record(ALICE, KEY, at(9), "c" * 64, "claim-9"))
        assert await uow.idempotency.get_for_update(ALICE, "absent") is None
        await uow.idempotency.save(new_record(ALICE, "absent"))  # no such record: nothing
        await uow.commit()

    assert completed is not None
    assert (completed.result_id, completed.completed) == ("o-1", True)
    assert await _stored(uows, ALICE, KEY) == new_record(ALICE, KEY, at(9), "c" * 64, "claim-9")
    assert await _stored(uows, BOB, KEY) == new_record(BOB, KEY)
    assert await _stored(uows, ALICE, "absent") is None


async def test_racing_completions_of_one_claim_complete_it_once(uows: Uows) -> None:
    await _users(uows)
    await _add(uows, new_record(ALICE, KEY))

    async def complete(order_id: str) -> bool:
        async with uows.keys().write() as uow:
            record = await uow.idempotency.get_for_update(ALICE, KEY)
            assert record is not None
            if record.completed:
                return False
            await asyncio.sleep(0.001)  # widen the read-to-write window
            await uow.idempotency.save(record.complete(order_id))
            await uow.commit()
            return True

    orders = [f"o-{i}" for i in range(10)]
    results = await asyncio.gather(*(complete(o) for o in orders), return_exceptions=True)

    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(True) == 1


async def test_delete_forgets_only_that_users_key(uows: Uows) -> None:
    await _users(uows)
    await _add(uows, new_record(ALICE, KEY), new_record(BOB, KEY), new_record(ALICE, "k2"))

    async with uows.keys().write() as uow:
        await uow.idempotency.delete(ALICE, KEY)
        await uow.idempotency.delete(ALICE, "absent")  # nothing to forget: no error
        await uow.commit()

    assert await _stored(uows, ALICE, KEY) is None
    assert await _stored(uows, BOB, KEY) is not None
    assert await _stored(uows, ALICE, "k2") is not None


async def test_delete_created_before_forgets_old_keys_in_batches(uows: Uows) -> None:
    await _users(uows)
    old = [new_record(ALICE if i % 2 else BOB, f"old-{i}", at(i)) for i in range(5)]
    await _add(uows, *old, new_record(ALICE, "cutoff", at(10)), new_record(BOB, "new", at(11)))

    counts = []
    for _ in range(4):
        async with uows.keys().write() as uow:
            counts.append(await uow.idempotency.delete_created_before(at(10), 2))
            await uow.commit()

    assert counts == [2, 2, 1, 0]
    for record in old:
        assert await _stored(uows, record.user_id, record.key) is None
    assert await _stored(uows, ALICE, "cutoff") is not None  # not before the cutoff
    assert await _stored(uows, BOB, "new") is not None


async def test_leaving_without_commit_forgets_the_claim(uows: Uows) -> None:
    await _users(uows)

    async with uows.keys().write() as uow:
        await uow.idempotency.add(new_record(ALICE, KEY))

    assert await _stored(uows, ALICE, KEY) is None
    await _add(uows, new_record(ALICE, KEY))  # free again


WRITES: dict[str, Callable[[IdempotentUnitOfWork], Awaitable[object]]] = {
    "add": lambda uow: uow.idempotency.add(new_record(ALICE, "k-new")),
    "save": lambda uow: uow.idempotency.save(new_record(ALICE, KEY, at(5))),
    "delete": lambda uow: uow.idempotency.delete(ALICE, KEY),
    "purge": lambda uow: uow.idempotency.delete_created_before(at(99), 10),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_every_write_fails_in_a_read(
    uows: Uows, write: Callable[[IdempotentUnitOfWork], Awaitable[object]]
) -> None:
    await _users(uows)
    await _add(uows, new_record(ALICE, KEY))

    with pytest.raises(ReadOnlyTransaction):
        async with uows.keys().read() as uow:
            await write(uow)

    assert await _stored(uows, ALICE, KEY) == new_record(ALICE, KEY)
    assert await _stored(uows, ALICE, "k-new") is None


async def test_a_context_that_binds_the_keys_shares_their_keyspace(uows: Uows) -> None:
    await _users(uows)
    async with uows.shop().write() as uow:
        await uow.idempotency.add(new_record(ALICE, KEY, claim="from-the-shop"))
        await uow.commit()

    shared = await _stored(uows, ALICE, KEY)
    assert shared is not None
    assert shared.claim_token == "from-the-shop"
    with pytest.raises(DuplicateIdempotencyKey):
        await _add(uows, new_record(ALICE, KEY, claim="another"))
