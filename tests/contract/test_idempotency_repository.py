"""IdempotencyRepository contract: one record per (user, key), a claim race decided by the
key itself, replace, delete and the purge of old keys."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from domain.shared.idempotency import IdempotencyRecord

from application.shared.ports import ReadOnlyTransaction
from application.shop.ports import DuplicateIdempotencyKey, ShopUnitOfWork
from tests.contract.builders import (
    ShopUowFactory,
    add_orders,
    add_products,
    add_users,
    assert_utc,
    at,
    new_order,
    new_product,
    new_record,
    new_user,
)
from tests.support.storage import UowFactory

ALICE, BOB = "u-alice", "u-bob"
KEY = "3f2c-Key_with.every~visible!char"


async def _users(uow_factory: UowFactory) -> None:
    await add_users(uow_factory, new_user("alice"), new_user("bob"))


async def _add(shop_uow: ShopUowFactory, *records: IdempotencyRecord) -> None:
    async with shop_uow().write() as uow:
        for record in records:
            await uow.idempotency.add(record)
        await uow.commit()


async def _stored(shop_uow: ShopUowFactory, user_id: str, key: str) -> IdempotencyRecord | None:
    async with shop_uow().write() as uow:
        return await uow.idempotency.get_for_update(user_id, key)


async def test_add_then_get_returns_every_field_per_user(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    long_key = "k" * 255
    await _add(
        shop_uow,
        new_record(ALICE, KEY, at(1.5), "a" * 64, "claim-a"),
        new_record(BOB, KEY, at(2), "b" * 64, "claim-b"),  # another user's key is another
        new_record(ALICE, long_key),
    )

    alices, bobs = await _stored(shop_uow, ALICE, KEY), await _stored(shop_uow, BOB, KEY)

    assert alices == new_record(ALICE, KEY, at(1.5), "a" * 64, "claim-a")
    assert alices is not None
    assert_utc(alices.created_at, at(1.5))
    assert bobs == new_record(BOB, KEY, at(2), "b" * 64, "claim-b")
    assert await _stored(shop_uow, ALICE, long_key) == new_record(ALICE, long_key)
    assert await _stored(shop_uow, ALICE, "other-key") is None
    assert await _stored(shop_uow, "u-nobody", KEY) is None


async def test_a_second_add_is_refused_and_the_transaction_goes_on(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    await _add(shop_uow, new_record(ALICE, KEY, claim="first"))

    async with shop_uow().write() as uow:
        with pytest.raises(DuplicateIdempotencyKey):
            await uow.idempotency.add(new_record(ALICE, KEY, claim="second"))
        await uow.idempotency.add(new_record(BOB, KEY))
        await uow.commit()

    first = await _stored(shop_uow, ALICE, KEY)
    assert first is not None
    assert first.claim_token == "first"
    assert await _stored(shop_uow, BOB, KEY) is not None


async def test_racing_claims_of_one_key_leave_one_winner(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)

    async def claim(i: int) -> str:
        async with shop_uow().write() as uow:
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
    stored = await _stored(shop_uow, ALICE, KEY)
    assert stored is not None
    assert stored.claim_token == winners[0]


async def test_save_replaces_the_record_with_the_same_user_and_key(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    mug = new_product("p-1")
    await add_products(shop_uow, mug)
    await add_orders(shop_uow, new_order("o-1", ALICE, (mug, 1)))
    await _add(shop_uow, new_record(ALICE, KEY), new_record(BOB, KEY))

    async with shop_uow().write() as uow:
        record = await uow.idempotency.get_for_update(ALICE, KEY)
        assert record is not None
        await uow.idempotency.save(record.complete("o-1"))
        await uow.commit()
    completed = await _stored(shop_uow, ALICE, KEY)
    async with shop_uow().write() as uow:  # a takeover: everything but user and key
        await uow.idempotency.save(new_record(ALICE, KEY, at(9), "c" * 64, "claim-9"))
        await uow.idempotency.save(new_record(ALICE, "absent"))  # no such record: nothing
        await uow.commit()

    assert completed is not None
    assert (completed.order_id, completed.completed) == ("o-1", True)
    assert await _stored(shop_uow, ALICE, KEY) == new_record(ALICE, KEY, at(9), "c" * 64, "claim-9")
    assert await _stored(shop_uow, BOB, KEY) == new_record(BOB, KEY)
    assert await _stored(shop_uow, ALICE, "absent") is None


async def test_racing_completions_of_one_claim_complete_it_once(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    mug = new_product("p-1")
    await add_products(shop_uow, mug)
    orders = [new_order(f"o-{i}", ALICE, (mug, 1)) for i in range(10)]
    await add_orders(shop_uow, *orders)
    await _add(shop_uow, new_record(ALICE, KEY))

    async def complete(order_id: str) -> bool:
        async with shop_uow().write() as uow:
            record = await uow.idempotency.get_for_update(ALICE, KEY)
            assert record is not None
            if record.completed:
                return False
            await asyncio.sleep(0.001)  # widen the read-to-write window
            await uow.idempotency.save(record.complete(order_id))
            await uow.commit()
            return True

    results = await asyncio.gather(*(complete(o.id) for o in orders), return_exceptions=True)

    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(True) == 1


async def test_delete_forgets_only_that_users_key(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    await _add(shop_uow, new_record(ALICE, KEY), new_record(BOB, KEY), new_record(ALICE, "k2"))

    async with shop_uow().write() as uow:
        await uow.idempotency.delete(ALICE, KEY)
        await uow.idempotency.delete(ALICE, "absent")  # nothing to forget: no error
        await uow.commit()

    assert await _stored(shop_uow, ALICE, KEY) is None
    assert await _stored(shop_uow, BOB, KEY) is not None
    assert await _stored(shop_uow, ALICE, "k2") is not None


async def test_delete_created_before_forgets_old_keys_in_batches(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)
    old = [new_record(ALICE if i % 2 else BOB, f"old-{i}", at(i)) for i in range(5)]
    await _add(shop_uow, *old, new_record(ALICE, "cutoff", at(10)), new_record(BOB, "new", at(11)))

    counts = []
    for _ in range(4):
        async with shop_uow().write() as uow:
            counts.append(await uow.idempotency.delete_created_before(at(10), 2))
            await uow.commit()

    assert counts == [2, 2, 1, 0]
    for record in old:
        assert await _stored(shop_uow, record.user_id, record.key) is None
    assert await _stored(shop_uow, ALICE, "cutoff") is not None  # not before the cutoff
    assert await _stored(shop_uow, BOB, "new") is not None


async def test_leaving_without_commit_forgets_the_claim(
    uow_factory: UowFactory, shop_uow: ShopUowFactory
) -> None:
    await _users(uow_factory)

    async with shop_uow().write() as uow:
        await uow.idempotency.add(new_record(ALICE, KEY))

    assert await _stored(shop_uow, ALICE, KEY) is None
    await _add(shop_uow, new_record(ALICE, KEY))  # free again


WRITES: dict[str, Callable[[ShopUnitOfWork], Awaitable[object]]] = {
    "add": lambda uow: uow.idempotency.add(new_record(ALICE, "k-new")),
    "save": lambda uow: uow.idempotency.save(new_record(ALICE, KEY, at(5))),
    "delete": lambda uow: uow.idempotency.delete(ALICE, KEY),
    "purge": lambda uow: uow.idempotency.delete_created_before(at(99), 10),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_every_write_fails_in_a_read(
    uow_factory: UowFactory,
    shop_uow: ShopUowFactory,
    write: Callable[[ShopUnitOfWork], Awaitable[object]],
) -> None:
    await _users(uow_factory)
    await _add(shop_uow, new_record(ALICE, KEY))

    with pytest.raises(ReadOnlyTransaction):
        async with shop_uow().read() as uow:
            await write(uow)

    assert await _stored(shop_uow, ALICE, KEY) == new_record(ALICE, KEY)
    assert await _stored(shop_uow, ALICE, "k-new") is None
