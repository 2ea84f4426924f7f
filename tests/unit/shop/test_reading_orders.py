"""GetOrder and ListOrders: the buyer sees their own orders, administrators everyone's."""

from __future__ import annotations

import pytest

from domain.shared.errors import Forbidden, InvalidId, InvalidInput
from domain.shop.errors import OrderNotFound
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, Shop


async def three_orders(shop: Shop) -> dict[str, str]:
    """ALICE's first and second, BOB's one, a minute apart; label -> order id."""
    mug = await shop.add_product(stock=100)
    ids = {}
    for label, buyer in [("alice-1", ALICE), ("bob-1", BOB), ("alice-2", ALICE)]:
        ids[label] = (await shop.place(buyer, (mug.id, 1))).id
        shop.clock.advance(minutes=1)
    return ids


async def test_the_buyer_and_admins_see_an_order(shop: Shop) -> None:
    ids = await three_orders(shop)

    mine = await shop.get_order(ALICE, ids["alice-1"])
    assert mine.user_id == ALICE.user_id
    assert await shop.get_order(ADMIN, ids["alice-1"]) == mine


async def test_another_users_order_is_not_found(shop: Shop) -> None:
    ids = await three_orders(shop)

    with pytest.raises(OrderNotFound) as caught:
        await shop.get_order(BOB, ids["alice-1"])
    with pytest.raises(OrderNotFound) as unknown:
        await shop.get_order(BOB, "no-such-order")

    # Told apart by nothing but the id they name: no hint the first exists.
    assert (caught.value.code, caught.value.kind.value) == ("order_not_found", "not_found")
    assert caught.value.detail.replace(ids["alice-1"], "X") == unknown.value.detail.replace(
        "no-such-order", "X"
    )


async def test_a_malformed_order_id_is_bad_input(shop: Shop) -> None:
    with pytest.raises(InvalidId):
        await shop.get_order(ALICE, "x" * 65)


async def test_a_user_lists_only_their_own_orders_newest_first(shop: Shop) -> None:
    ids = await three_orders(shop)

    page = await shop.list_orders(ALICE)

    assert [o.id for o in page.items] == [ids["alice-2"], ids["alice-1"]]
    assert page.total == 2
    assert [o.id for o in (await shop.list_orders(ALICE, user_id=ALICE.user_id)).items] == [
        ids["alice-2"],
        ids["alice-1"],
    ]


async def test_a_user_may_not_list_another_users_orders(shop: Shop) -> None:
    await three_orders(shop)

    with pytest.raises(Forbidden):
        await shop.list_orders(ALICE, user_id=BOB.user_id)


async def test_admins_list_everyones_orders_and_filter_by_user(shop: Shop) -> None:
    ids = await three_orders(shop)

    everyone = await shop.list_orders(ADMIN)
    bobs = await shop.list_orders(ADMIN, user_id=BOB.user_id)

    assert [o.id for o in everyone.items] == [ids["alice-2"], ids["bob-1"], ids["alice-1"]]
    assert [o.id for o in bobs.items] == [ids["bob-1"]]


async def test_orders_filter_by_status(shop: Shop) -> None:
    ids = await three_orders(shop)
    await shop.pay(ADMIN, ids["alice-1"])
    await shop.cancel(BOB, ids["bob-1"])

    paid = await shop.list_orders(ADMIN, status=OrderStatus.PAID)
    alices_pending = await shop.list_orders(ALICE, status=OrderStatus.PENDING_PAYMENT)

    assert [o.id for o in paid.items] == [ids["alice-1"]]
    assert [o.id for o in alices_pending.items] == [ids["alice-2"]]


async def test_orders_page_with_a_total(shop: Shop) -> None:
    ids = await three_orders(shop)

    first = await shop.list_orders(ADMIN, limit=2)
    rest = await shop.list_orders(ADMIN, limit=2, offset=2)

    assert (len(first.items), first.total, first.next_offset) == (2, 3, 2)
    assert ([o.id for o in rest.items], rest.next_offset) == ([ids["alice-1"]], None)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (201, 0), (1, -1), (1, 1_000_001)])
async def test_a_bad_page_is_refused(shop: Shop, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        await shop.list_orders(ALICE, limit=limit, offset=offset)
