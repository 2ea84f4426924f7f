"""Idempotency-Key on PlaceOrder (IETF httpapi draft): a retry never places a second order."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from application.shop.dto import OrderView, PlaceOrderCommand
from application.shop.use_cases.ordering import PlaceOrder
from domain.shared.idempotency import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
)
from domain.shop.errors import InsufficientStock
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, PausingUnitOfWork, Shop


def keys(shop: Shop) -> dict[str, dict[str, object]]:
    """The shared kernel's keys (every context's), not the shop's own table."""
    return shop.store.of("shared").table("idempotency_keys_by_user")


async def test_a_retry_returns_the_first_response_and_places_nothing(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    first = await shop.place(ALICE, (mug.id, 2), key="k-1")

    shop.clock.advance(minutes=5)
    again = await shop.place(ALICE, (mug.id, 2), key="k-1")

    assert (first.replayed, again.replayed) == (False, True)
    assert again == dataclasses.replace(first, replayed=True)
    assert shop.order_count() == 1
    assert shop.stock(mug.id) == 3


async def test_a_replay_shows_the_order_as_it_was_placed(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    first = await shop.place(ALICE, (mug.id, 1), key="k-1")
    await shop.pay(ADMIN, first.id)
    await shop.ship(ADMIN, first.id)

    again = await shop.place(ALICE, (mug.id, 1), key="k-1")

    assert again.status is OrderStatus.PENDING_PAYMENT
    assert again.history == first.history
    assert (again.lines, again.total, again.updated_at) == (
        first.lines,
        first.total,
        first.updated_at,
    )
    assert (await shop.get_order(ALICE, first.id)).status is OrderStatus.SHIPPED


async def test_the_same_key_with_another_body_is_refused(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    await shop.place(ALICE, (mug.id, 1), key="k-1")

    with pytest.raises(IdempotencyKeyReused) as caught:
        await shop.place(ALICE, (mug.id, 2), key="k-1")

    assert (caught.value.code, caught.value.kind.value) == ("idempotency_key_reused", "invalid")
    assert shop.order_count() == 1
    assert shop.stock(mug.id) == 4


async def test_the_lines_in_their_order_decide_what_the_same_request_is(shop: Shop) -> None:
    mug = await shop.add_product("MUG-1", stock=5)
    cup = await shop.add_product("CUP-1", stock=5)
    first = await shop.place(ALICE, (mug.id, 1), (cup.id, 2), key="k-1")

    again = await shop.place(ALICE, (mug.id, 1), (cup.id, 2), key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        await shop.place(ALICE, (cup.id, 2), (mug.id, 1), key="k-1")

    assert (again.id, again.replayed) == (first.id, True)
    assert shop.order_count() == 1


async def test_keys_are_scoped_per_user(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    alices = await shop.place(ALICE, (mug.id, 1), key="shared-key")

    bobs = await shop.place(BOB, (mug.id, 1), key="shared-key")

    assert bobs.id != alices.id
    assert (bobs.user_id, bobs.replayed) == (BOB.user_id, False)
    assert shop.order_count() == 2


async def test_a_key_is_forgotten_after_24_hours(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    first = await shop.place(ALICE, (mug.id, 1), key="k-1")

    shop.clock.advance(hours=24)
    assert (await shop.place(ALICE, (mug.id, 1), key="k-1")).id == first.id
    shop.clock.advance(seconds=1)
    fresh = await shop.place(ALICE, (mug.id, 3), key="k-1")  # another body is fine now

    assert (fresh.id != first.id, fresh.replayed) == (True, False)
    assert shop.order_count() == 2


async def test_a_failed_placement_releases_the_key(shop: Shop) -> None:
    mug = await shop.add_product(stock=1)

    with pytest.raises(InsufficientStock):
        await shop.place(ALICE, (mug.id, 2), key="k-1")
    assert keys(shop).get(ALICE.user_id, {}) == {}

    await shop.adjust(ADMIN, mug.id, 1)
    placed = await shop.place(ALICE, (mug.id, 2), key="k-1")  # evaluated afresh

    assert (placed.replayed, shop.stock(mug.id)) == (False, 0)


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "é", "line\nbreak", "\ud800"])
async def test_a_malformed_key_is_refused_before_anything_is_stored(shop: Shop, key: str) -> None:
    mug = await shop.add_product(stock=5)

    with pytest.raises(InvalidIdempotencyKey):
        await shop.place(ALICE, (mug.id, 1), key=key)

    assert (shop.order_count(), keys(shop)) == (0, {})


async def test_a_key_of_255_visible_characters_is_accepted(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    assert not (await shop.place(ALICE, (mug.id, 1), key="!~" * 127 + "x")).replayed


# --- a request still running, or one that died ---------------------------------------------


def paused_place(
    shop: Shop, *lines: tuple[str, int], key: str
) -> tuple[PausingUnitOfWork, asyncio.Task[OrderView]]:
    """A PlaceOrder that has claimed `key` and stops before its order transaction."""
    uow = PausingUnitOfWork(shop.store, pause_before=2)
    command = PlaceOrderCommand(ALICE, tuple(lines), key)
    task = asyncio.create_task(PlaceOrder(uow, shop.clock, shop.currency).execute(command))
    return uow, task


async def test_a_retry_while_the_first_request_runs_is_told_it_is_in_progress(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    uow, first = paused_place(shop, (mug.id, 1), key="k-1")
    await uow.reached.wait()

    with pytest.raises(IdempotencyKeyInProgress) as caught:
        await shop.place(ALICE, (mug.id, 1), key="k-1")
    assert (caught.value.code, caught.value.kind.value) == (
        "idempotency_key_in_progress",
        "conflict",
    )

    uow.resume.set()
    placed = await first
    assert (await shop.place(ALICE, (mug.id, 1), key="k-1")).id == placed.id
    assert shop.order_count() == 1


async def test_a_claim_left_by_a_dead_request_is_taken_over_after_60_seconds(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    uow, dead = paused_place(shop, (mug.id, 1), key="k-1")
    await uow.reached.wait()  # the process died between claiming and placing: never resumed

    shop.clock.advance(seconds=59)
    with pytest.raises(IdempotencyKeyInProgress):
        await shop.place(ALICE, (mug.id, 1), key="k-1")
    shop.clock.advance(seconds=1)
    placed = await shop.place(ALICE, (mug.id, 1), key="k-1")

    assert (placed.replayed, shop.order_count(), shop.stock(mug.id)) == (False, 1, 4)
    dead.cancel()  # (the task only; cancelling a live request releases its claim)
    with pytest.raises(asyncio.CancelledError):
        await dead
    replay = await shop.place(ALICE, (mug.id, 1), key="k-1")
    assert (replay.id, replay.replayed, shop.order_count()) == (placed.id, True, 1)


async def test_a_slow_request_whose_claim_was_taken_over_places_nothing(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    uow, slow = paused_place(shop, (mug.id, 1), key="k-1")
    await uow.reached.wait()
    shop.clock.advance(seconds=61)
    taker = await shop.place(ALICE, (mug.id, 1), key="k-1")

    uow.resume.set()
    with pytest.raises(IdempotencyKeyInProgress):
        await slow

    assert (shop.order_count(), shop.stock(mug.id)) == (1, 4)
    replay = await shop.place(ALICE, (mug.id, 1), key="k-1")
    assert (replay.id, replay.replayed) == (taker.id, True)


async def test_twenty_concurrent_requests_with_one_key_place_one_order(shop: Shop) -> None:
    mug = await shop.add_product(stock=100)

    results = await asyncio.gather(
        *(shop.place(ALICE, (mug.id, 1), key="k-1") for _ in range(20)), return_exceptions=True
    )

    placed = [r for r in results if isinstance(r, OrderView)]
    refused = [r for r in results if not isinstance(r, OrderView)]
    assert all(isinstance(r, IdempotencyKeyInProgress) for r in refused)
    assert len({order.id for order in placed}) == 1
    assert sum(not order.replayed for order in placed) == 1
    assert (shop.order_count(), shop.stock(mug.id)) == (1, 99)


# --- housekeeping ----------------------------------------------------------------------------


async def test_keys_older_than_24_hours_are_forgotten_in_batches(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    for i in range(3):
        await shop.place(ALICE, (mug.id, 1), key=f"old-{i}")
    shop.clock.advance(hours=23)
    await shop.place(BOB, (mug.id, 1), key="recent")
    shop.clock.advance(hours=1)
    assert await shop.forget_keys() == 0  # exactly 24 h old: still kept
    shop.clock.advance(seconds=1)

    assert await shop.forget_keys(batch_size=2) == 3
    assert list(keys(shop)[ALICE.user_id]) == []
    assert list(keys(shop)[BOB.user_id]) == ["recent"]
