"""OrderRepository contract: an order comes back whole (lines in their order, exact prices,
the full status history), saves append only what is new, and one lock per order
(test_order_listing.py has lists and the expiry query)."""

from __future__ import annotations

import asyncio

import pytest

from application.shared.ports import ReadOnlyTransaction
from domain.shop.catalog import Product
from domain.shop.money import Currency
from domain.shop.orders import Order, OrderStatus
from tests.contract.builders import (
    add_orders,
    add_products,
    add_users,
    assert_same_order,
    assert_utc,
    at,
    new_order,
    new_product,
    new_user,
)
from tests.support.storage import Uows

ALICE, BOB = "u-alice", "u-bob"
S = OrderStatus


async def _catalogue(uows: Uows) -> list[Product]:
    await add_users(uows, new_user("alice"), new_user("bob"))
    products = [
        new_product("p-1", "Mug", "12.50"),
        new_product("p-2", "Plate ✓", "0.99"),
        new_product("p-3", "Pot", "9999999999.99", stock=1000),
    ]
    await add_products(uows, *products)
    return products


async def _stored(uows: Uows, order_id: str) -> Order:
    async with uows.shop().read() as uow:
        order = await uow.orders.get(order_id)
    assert order is not None
    return order


async def test_add_then_get_returns_the_whole_order(uows: Uows) -> None:
    mug, plate, pot = await _catalogue(uows)
    # Lines keep the request's order, not the products' id order.
    order = new_order("o-1", ALICE, (pot, 1000), (mug, 3), (plate, 1), created_at=at(1.5))
    await add_orders(uows, order)

    loaded = await _stored(uows, "o-1")
    async with uows.shop().write() as uow:
        locked = await uow.orders.get_for_update("o-1")
        assert await uow.orders.get("o-unknown") is None
        assert await uow.orders.get_for_update("o-unknown") is None

    assert_same_order(loaded, order)
    assert locked is not None
    assert_same_order(locked, order)
    assert [line.product_id for line in loaded.lines] == ["p-3", "p-1", "p-2"]
    assert str(loaded.total) == "10000000000028.49"  # 9999999999.99 x 1000 + 37.50 + 0.99
    assert loaded.history[0].status is S.PENDING_PAYMENT


@pytest.mark.parametrize(("code", "price"), [("JPY", "999999999999"), ("KWD", "0.125")])
async def test_line_prices_round_trip_in_the_orders_currency(
    uows: Uows, code: str, price: str
) -> None:
    currency = Currency.of(code)
    await add_users(uows, new_user("alice"))
    product = new_product("p-1", price=price, currency=currency)
    await add_products(uows, product)
    await add_orders(uows, new_order("o-1", ALICE, (product, 7), currency=currency))

    loaded = await _stored(uows, "o-1")

    assert loaded.currency == currency
    assert str(loaded.lines[0].unit_price) == price
    assert loaded.total.minor_units == 7 * loaded.lines[0].unit_price.minor_units


async def test_save_appends_every_status_change(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    await add_orders(uows, new_order("o-1", ALICE, (mug, 1)))

    async with uows.shop().write() as uow:
        order = await uow.orders.get_for_update("o-1")
        assert order is not None
        order.pay(at(1), "pay_123")
        order.ship(at(2))  # two changes, one save
        await uow.orders.save(order)
        await uow.commit()
    async with uows.shop().write() as uow:
        order = await uow.orders.get_for_update("o-1")
        assert order is not None
        order.deliver(at(3))
        await uow.orders.save(order)
        await uow.commit()

    saved = await _stored(uows, "o-1")
    assert saved.status is S.DELIVERED
    assert saved.payment_reference == "pay_123"
    assert [(c.status, c.at) for c in saved.history] == [
        (S.PENDING_PAYMENT, at(0)),
        (S.PAID, at(1)),
        (S.SHIPPED, at(2)),
        (S.DELIVERED, at(3)),
    ]
    assert_utc(saved.updated_at, at(3))
    assert_utc(saved.created_at, at(0))


async def test_save_of_an_order_loaded_elsewhere_appends_only_the_new(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    await add_orders(uows, new_order("o-1", ALICE, (mug, 1)))
    order = await _stored(uows, "o-1")  # read in another unit of work
    order.cancel(at(4))

    async with uows.shop().write() as uow:
        assert await uow.orders.get_for_update("o-1") is not None  # the lock, as ever
        await uow.orders.save(order)
        await uow.commit()

    saved = await _stored(uows, "o-1")
    assert [c.status for c in saved.history] == [S.PENDING_PAYMENT, S.CANCELLED]
    assert saved.status is S.CANCELLED


async def test_a_loaded_order_changes_nothing_until_saved(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    await add_orders(uows, new_order("o-1", ALICE, (mug, 1)))

    async with uows.shop().write() as uow:
        order = await uow.orders.get_for_update("o-1")
        assert order is not None
        order.pay(at(1), "pay_1")
        await uow.commit()

    unchanged = await _stored(uows, "o-1")
    assert (unchanged.status, len(unchanged.history)) == (S.PENDING_PAYMENT, 1)
    assert unchanged.payment_reference is None


async def test_saving_an_unknown_order_writes_nothing(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    ghost = new_order("o-ghost", ALICE, (mug, 1))
    ghost.cancel(at(1))

    async with uows.shop().write() as uow:
        assert await uow.orders.get_for_update("o-ghost") is None
        await uow.orders.save(ghost)
        await uow.commit()

    async with uows.shop().read() as uow:
        assert await uow.orders.get("o-ghost") is None


async def test_racing_payments_of_one_order_pay_it_once(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    await add_orders(uows, new_order("o-1", ALICE, (mug, 1)))

    async def pay(i: int) -> bool:
        async with uows.shop().write() as uow:
            order = await uow.orders.get_for_update("o-1")
            assert order is not None
            if not order.can_become(S.PAID):
                return False
            await asyncio.sleep(0.001)  # widen the read-to-write window
            order.pay(at(i), f"pay_{i}")
            await uow.orders.save(order)
            await uow.commit()
            return True

    results = await asyncio.gather(*(pay(i) for i in range(20)), return_exceptions=True)

    assert [r for r in results if not isinstance(r, bool)] == []
    assert results.count(True) == 1
    assert len((await _stored(uows, "o-1")).history) == 2


async def test_every_write_fails_in_a_read(uows: Uows) -> None:
    mug, *_ = await _catalogue(uows)
    await add_orders(uows, new_order("o-1", ALICE, (mug, 1)))

    with pytest.raises(ReadOnlyTransaction):
        async with uows.shop().read() as uow:
            await uow.orders.add(new_order("o-2", ALICE, (mug, 1)))
    order = await _stored(uows, "o-1")
    order.cancel(at(1))
    with pytest.raises(ReadOnlyTransaction):
        async with uows.shop().read() as uow:
            await uow.orders.save(order)

    async with uows.shop().read() as uow:
        assert await uow.orders.get("o-2") is None
    assert (await _stored(uows, "o-1")).status is S.PENDING_PAYMENT
