"""PlaceOrder: all lines or none, never more than the stock, prices frozen at purchase."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.shop.dto import ChangeProductCommand
from domain.shop.errors import (
    DuplicateOrderLine,
    InactiveProduct,
    InsufficientStock,
    InvalidLineCount,
    InvalidOrderLine,
    InvalidQuantity,
    UnknownProduct,
)
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, Shop


async def test_placing_reserves_stock_and_records_a_pending_order(shop: Shop) -> None:
    mug = await shop.add_product("mug", "12.50", stock=5, name="Mug")
    tea = await shop.add_product("tea", "0.10", stock=100, name="Tea")

    order = await shop.place(ALICE, (mug.id, 2), (tea.id, 3))

    assert order.status is OrderStatus.PENDING_PAYMENT
    assert order.user_id == ALICE.user_id
    assert [(li.sku, li.name, li.unit_price, li.quantity, li.line_total) for li in order.lines] == [
        ("MUG", "Mug", Decimal("12.50"), 2, Decimal("25.00")),
        ("TEA", "Tea", Decimal("0.10"), 3, Decimal("0.30")),
    ]
    assert (str(order.total), order.currency) == ("25.30", "USD")
    assert [(h.status, h.at) for h in order.history] == [
        (OrderStatus.PENDING_PAYMENT, shop.clock.now())
    ]
    assert (order.replayed, order.payment_reference) == (False, None)
    assert (shop.stock(mug.id), shop.stock(tea.id)) == (3, 97)
    assert await shop.get_order(ALICE, order.id) == order


async def test_the_last_units_can_be_bought_and_then_no_more(shop: Shop) -> None:
    mug = await shop.add_product(stock=2)

    await shop.place(ALICE, (mug.id, 2))
    with pytest.raises(InsufficientStock):
        await shop.place(ALICE, (mug.id, 1))

    assert shop.stock(mug.id) == 0
    assert shop.order_count() == 1


async def test_out_of_stock_lists_every_short_line_and_reserves_nothing(shop: Shop) -> None:
    a = await shop.add_product("a", stock=1)
    b = await shop.add_product("b", stock=10)
    c = await shop.add_product("c", stock=0)

    with pytest.raises(InsufficientStock) as caught:
        await shop.place(ALICE, (a.id, 2), (b.id, 5), (c.id, 1))

    assert caught.value.code == "insufficient_stock"
    assert caught.value.extra["lines"] == [
        {"product_id": a.id, "requested": 2, "available": 1},
        {"product_id": c.id, "requested": 1, "available": 0},
    ]
    assert [shop.stock(p.id) for p in (a, b, c)] == [1, 10, 0]
    assert shop.order_count() == 0


async def test_an_unknown_product_names_its_line_and_reserves_nothing(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)

    with pytest.raises(UnknownProduct) as caught:
        await shop.place(ALICE, (mug.id, 1), ("no-such-product", 1))

    assert caught.value.extra == {"line": 1, "product_id": "no-such-product"}
    assert shop.stock(mug.id) == 5
    assert shop.order_count() == 0


async def test_an_inactive_product_names_its_line(shop: Shop) -> None:
    mug = await shop.add_product(stock=5)
    await shop.deactivate(ADMIN, mug.id)

    with pytest.raises(InactiveProduct) as caught:
        await shop.place(ALICE, (mug.id, 1))

    assert (caught.value.code, caught.value.extra) == (
        "inactive_product",
        {"line": 0, "product_id": mug.id},
    )
    assert shop.stock(mug.id) == 5


async def test_lines_are_checked_before_any_product_is_looked_up(shop: Shop) -> None:
    # The products do not exist: a storage lookup would say "unknown product" instead.
    with pytest.raises(InvalidQuantity) as quantity:
        await shop.place(ALICE, ("x", 1), ("y", 0))
    with pytest.raises(DuplicateOrderLine):
        await shop.place(ALICE, ("x", 1), ("x", 2))
    with pytest.raises(InvalidLineCount):
        await shop.place(ALICE)
    with pytest.raises(InvalidLineCount):
        await shop.place(ALICE, *[(f"p{i}", 1) for i in range(51)])

    assert quantity.value.extra == {"line": 1, "product_id": "y"}


async def test_a_malformed_product_id_names_its_line_without_echoing_it(shop: Shop) -> None:
    with pytest.raises(InvalidOrderLine) as caught:
        await shop.place(ALICE, ("ok", 1), ("bad\x00id", 1))

    assert caught.value.extra == {"line": 1, "product_id": None}
    assert "\x00" not in caught.value.detail


async def test_the_line_snapshot_survives_later_product_changes(shop: Shop) -> None:
    mug = await shop.add_product("mug", "10.00", stock=5, name="Mug")
    order = await shop.place(ALICE, (mug.id, 2))

    await shop.change(
        ChangeProductCommand(ADMIN, mug.id, price="99.99", name="Golden mug", sku="gold")
    )
    await shop.deactivate(ADMIN, mug.id)

    again = await shop.get_order(ALICE, order.id)
    assert [(li.sku, li.name, li.unit_price) for li in again.lines] == [
        ("MUG", "Mug", Decimal("10.00"))
    ]
    assert again.total == Decimal("20.00")


async def test_lines_keep_the_order_they_were_asked_in(shop: Shop) -> None:
    # Products are locked in id order, but the order lists lines as the buyer sent them.
    first = await shop.add_product("a")
    second = await shop.add_product("b")

    order = await shop.place(ALICE, (second.id, 1), (first.id, 1))

    assert [li.product_id for li in order.lines] == [second.id, first.id]
