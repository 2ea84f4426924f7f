"""Units as shops count them, through the use cases: a stock-take sets what is on the
shelf and keeps what orders hold; orders reserve, release and ship units; a change
conditional on a version (If-Match) applies only to that version."""

from __future__ import annotations

import asyncio

import pytest

from application.shop.dto import ChangeProductCommand
from domain.shop.errors import InsufficientStock, OnHandBelowReserved, ProductChanged
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, Shop


async def test_a_stock_take_keeps_the_units_unpaid_orders_hold(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    await shop.place(ALICE, (mug.id, 3))  # unpaid: the 3 units are still on the shelf

    counted = await shop.change(ChangeProductCommand(ADMIN, mug.id, on_hand=10))

    assert (counted.on_hand, counted.reserved, counted.stock) == (10, 3, 7)
    assert shop.counts(mug.id) == (10, 3, 7)
    with pytest.raises(InsufficientStock):
        await shop.place(BOB, (mug.id, 8))  # no oversell: 7 are free, not 10


async def test_a_stock_take_below_what_orders_hold_is_refused(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    await shop.place(ALICE, (mug.id, 3))

    with pytest.raises(OnHandBelowReserved):
        await shop.change(ChangeProductCommand(ADMIN, mug.id, on_hand=2, name="Cup"))

    assert shop.counts(mug.id) == (10, 3, 7)
    assert (await shop.get_product(ADMIN, mug.id)).name == "Mug"


async def test_orders_reserve_release_and_ship_units(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    shipped = await shop.place(ALICE, (mug.id, 2))
    cancelled = await shop.place(ALICE, (mug.id, 3))
    expired = await shop.place(BOB, (mug.id, 4))
    assert shop.counts(mug.id) == (10, 9, 1)

    await shop.cancel(ALICE, cancelled.id)
    assert shop.counts(mug.id) == (10, 6, 4)
    await shop.pay(ADMIN, shipped.id)
    assert shop.counts(mug.id) == (10, 6, 4)  # paid: still held, still on the shelf
    await shop.ship(ADMIN, shipped.id)
    assert shop.counts(mug.id) == (8, 4, 4)  # gone from the shelf and the reservations
    shop.clock.advance(minutes=31)
    assert await shop.expire() == 1
    assert shop.counts(mug.id) == (8, 0, 8)
    await shop.deliver(ADMIN, shipped.id)
    assert shop.counts(mug.id) == (8, 0, 8)
    assert (await shop.get_order(BOB, expired.id)).status is OrderStatus.EXPIRED


async def test_cancelling_a_paid_order_releases_its_units(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    order = await shop.place(ALICE, (mug.id, 5))
    await shop.pay(ADMIN, order.id)

    await shop.cancel(ADMIN, order.id)

    assert shop.counts(mug.id) == (5, 0, 5)


async def test_restocking_and_writing_off_move_the_shelf(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    await shop.place(ALICE, (mug.id, 2))

    restocked = await shop.adjust(ADMIN, mug.id, 4)
    written_off = await shop.adjust(ADMIN, mug.id, -7)

    assert (restocked.on_hand, restocked.reserved, restocked.stock) == (9, 2, 7)
    assert (written_off.on_hand, written_off.reserved, written_off.stock) == (2, 2, 0)


async def test_a_change_for_a_version_that_has_moved_on_is_refused(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    assert mug.version == 1
    renamed = await shop.change(
        ChangeProductCommand(ADMIN, mug.id, name="Cup", expected_versions=frozenset({1}))
    )
    assert renamed.version == 2

    with pytest.raises(ProductChanged):
        await shop.change(
            ChangeProductCommand(ADMIN, mug.id, on_hand=3, expected_versions=frozenset({1}))
        )

    assert shop.counts(mug.id) == (10, 0, 10)
    assert (await shop.get_product(ADMIN, mug.id)).version == 2
    await shop.place(ALICE, (mug.id, 1))  # an order changes the product too
    with pytest.raises(ProductChanged):
        await shop.change(
            ChangeProductCommand(ADMIN, mug.id, on_hand=3, expected_versions=frozenset({2}))
        )
    unconditional = await shop.change(ChangeProductCommand(ADMIN, mug.id, on_hand=3))
    assert (unconditional.version, unconditional.stock) == (4, 2)


async def test_two_changes_conditional_on_one_version_apply_once(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    seen = frozenset({mug.version})

    results = await asyncio.gather(
        shop.change(ChangeProductCommand(ADMIN, mug.id, on_hand=7, expected_versions=seen)),
        shop.change(ChangeProductCommand(ADMIN, mug.id, on_hand=12, expected_versions=seen)),
        return_exceptions=True,
    )

    refused = [r for r in results if isinstance(r, ProductChanged)]
    applied = [r for r in results if not isinstance(r, BaseException)]
    assert (len(applied), len(refused)) == (1, 1)
    assert shop.counts(mug.id)[0] == applied[0].on_hand
