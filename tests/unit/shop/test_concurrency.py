"""Racing requests on the in-memory adapter: no oversell, no lost update, no deadlock.
(The same races on SQLite and PostgreSQL belong to the contract suite.)"""

from __future__ import annotations

import asyncio

from application.shop.dto import OrderView
from domain.shop.errors import InsufficientStock
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, Shop


async def test_100_buyers_of_the_last_10_units_make_exactly_10_orders(shop: Shop) -> None:
    mug = await shop.add_product(stock=10)

    results = await asyncio.gather(
        *(shop.place(ALICE if i % 2 else BOB, (mug.id, 1)) for i in range(100)),
        return_exceptions=True,
    )

    placed = [r for r in results if isinstance(r, OrderView)]
    refused = [r for r in results if not isinstance(r, OrderView)]
    assert len(placed) == 10
    assert len(refused) == 90
    assert all(isinstance(r, InsufficientStock) for r in refused)
    assert (shop.order_count(), shop.stock(mug.id)) == (10, 0)


async def test_orders_taking_products_in_opposite_orders_both_finish(shop: Shop) -> None:
    a = await shop.add_product("a", stock=10)
    b = await shop.add_product("b", stock=10)

    first, second = await asyncio.gather(
        shop.place(ALICE, (a.id, 1), (b.id, 1)), shop.place(BOB, (b.id, 1), (a.id, 1))
    )

    assert first.id != second.id
    assert (shop.stock(a.id), shop.stock(b.id)) == (8, 8)


async def test_concurrent_restocks_all_count(shop: Shop) -> None:
    mug = await shop.add_product(stock=0)

    await asyncio.gather(*(shop.adjust(ADMIN, mug.id, 1) for _ in range(50)))

    assert shop.stock(mug.id) == 50


async def test_buying_and_cancelling_at_once_never_loses_a_unit(shop: Shop) -> None:
    mug = await shop.add_product(stock=20)
    first_orders = [await shop.place(ALICE, (mug.id, 1)) for _ in range(10)]

    await asyncio.gather(
        *(shop.cancel(ALICE, order.id) for order in first_orders),
        *(shop.place(BOB, (mug.id, 2)) for _ in range(10)),
        return_exceptions=True,
    )

    bobs = (await shop.list_orders(BOB)).total
    assert shop.stock(mug.id) == 20 - 2 * bobs
    assert shop.stock(mug.id) >= 0
