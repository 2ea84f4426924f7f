"""ExpireOrders: unpaid orders past their deadline give their stock back, exactly once;
the deadline is the order's own, and paying stops at it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.shop.errors import InvalidTransition, OrderPaymentOverdue
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, Shop


async def test_orders_unpaid_for_longer_than_30_minutes_expire(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    old = await shop.place(ALICE, (mug.id, 3))
    shop.clock.advance(minutes=10)
    young = await shop.place(BOB, (mug.id, 2))

    shop.clock.advance(minutes=20)
    assert await shop.expire() == 0  # exactly 30 minutes: not yet
    shop.clock.advance(seconds=1)
    assert await shop.expire() == 1

    expired = await shop.get_order(ALICE, old.id)
    assert expired.status is OrderStatus.EXPIRED
    assert expired.history[-1].at == shop.clock.now()
    assert (await shop.get_order(BOB, young.id)).status is OrderStatus.PENDING_PAYMENT
    assert shop.stock(mug.id) == 8


async def test_paid_and_cancelled_orders_never_expire(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    paid = await shop.place(ALICE, (mug.id, 1))
    cancelled = await shop.place(ALICE, (mug.id, 1))
    await shop.pay(ADMIN, paid.id)
    await shop.cancel(ALICE, cancelled.id)

    shop.clock.advance(hours=2)

    assert await shop.expire() == 0
    assert shop.stock(mug.id) == 9


async def test_each_order_keeps_the_deadline_it_was_placed_with(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    shop.expiry_minutes = 60
    patient = await shop.place(ALICE, (mug.id, 1))
    shop.expiry_minutes = 5  # the setting changes: placed orders keep their deadline
    hasty = await shop.place(BOB, (mug.id, 2))

    assert patient.expires_at == patient.created_at + timedelta(minutes=60)
    assert hasty.expires_at == hasty.created_at + timedelta(minutes=5)
    shop.clock.advance(minutes=6)
    assert await shop.expire() == 1
    assert (await shop.get_order(BOB, hasty.id)).status is OrderStatus.EXPIRED
    assert (await shop.get_order(ALICE, patient.id)).status is OrderStatus.PENDING_PAYMENT
    await shop.pay(ADMIN, patient.id)  # still in time
    assert shop.stock(mug.id) == 9


async def test_an_overdue_order_cannot_be_paid_and_still_expires(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    order = await shop.place(ALICE, (mug.id, 4))
    shop.clock.advance(minutes=30)
    shop.clock.advance(seconds=1)  # past the deadline; the sweeper has not run yet

    with pytest.raises(OrderPaymentOverdue):
        await shop.pay(ADMIN, order.id)

    assert shop.payments.charges == {}  # refused before charging
    assert (await shop.get_order(ALICE, order.id)).status is OrderStatus.PENDING_PAYMENT
    assert await shop.expire() == 1
    assert (await shop.get_order(ALICE, order.id)).status is OrderStatus.EXPIRED
    assert shop.stock(mug.id) == 10


async def test_an_order_paid_at_its_deadline_is_in_time(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    order = await shop.place(ALICE, (mug.id, 1))
    shop.clock.advance(minutes=30)

    assert (await shop.pay(ADMIN, order.id)).status is OrderStatus.PAID
    shop.clock.advance(hours=1)
    assert await shop.expire() == 0


async def test_many_orders_expire_in_batches(shop: Shop) -> None:
    a = await shop.add_product("a", stock=100)
    b = await shop.add_product("b", stock=100)
    for i in range(7):
        await shop.place(ALICE if i % 2 else BOB, (a.id, 1), (b.id, 2))
    shop.clock.advance(minutes=31)

    assert await shop.expire(batch_size=3) == 7

    assert (shop.stock(a.id), shop.stock(b.id)) == (100, 100)
    statuses = {o.status for o in (await shop.list_orders(ADMIN)).items}
    assert statuses == {OrderStatus.EXPIRED}


async def test_an_expired_order_cannot_be_cancelled_or_paid(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)
    order = await shop.place(ALICE, (mug.id, 4))
    shop.clock.advance(minutes=31)
    await shop.expire()

    for move in (shop.cancel(ALICE, order.id), shop.pay(ADMIN, order.id)):
        with pytest.raises(InvalidTransition):
            await move

    assert shop.stock(mug.id) == 10
    assert await shop.expire() == 0


@pytest.mark.parametrize("cancel_first", [True, False])
async def test_cancel_and_expire_racing_return_the_stock_once(
    shop: Shop, cancel_first: bool
) -> None:
    mug = await shop.add_product(stock=10)
    order = await shop.place(ALICE, (mug.id, 4))
    shop.clock.advance(minutes=31)

    racers = [shop.cancel(ALICE, order.id), shop.expire()]
    results = await asyncio.gather(
        *(racers if cancel_first else racers[::-1]), return_exceptions=True
    )

    assert shop.stock(mug.id) == 10
    final = (await shop.get_order(ALICE, order.id)).status
    assert final in (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
    # Exactly one of the two won: the other saw a finished order.
    cancel_result = results[0] if cancel_first else results[1]
    expired_count = results[1] if cancel_first else results[0]
    if final is OrderStatus.CANCELLED:
        assert expired_count == 0
    else:
        assert isinstance(cancel_result, InvalidTransition)


async def test_a_nonsensical_configuration_is_refused(shop: Shop) -> None:
    with pytest.raises(ValueError, match="positive"):
        await shop.expire(batch_size=0)
    shop.expiry_minutes = 0
    with pytest.raises(ValueError, match="positive"):
        shop.place_order_use_case()
