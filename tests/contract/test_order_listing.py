"""OrderRepository contract, listing: newest first (ties by id), filters by buyer and
status, paging with the full total, whole orders in a page, and the expiry sweep's query."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from application.shop.ports import OrderQuery
from domain.shop.orders import OrderStatus
from tests.contract.builders import (
    add_orders,
    add_products,
    add_users,
    assert_same_order,
    at,
    new_order,
    new_product,
    new_user,
)
from tests.support.storage import Uows

ALICE, BOB = "u-alice", "u-bob"
S = OrderStatus
HOUR = timedelta(hours=1)


async def _many(uows: Uows) -> None:
    """Ties on creation time (broken by id), two buyers, several statuses; added out of
    id order, so a tie broken by insertion order would show."""
    await add_users(uows, new_user("alice"), new_user("bob"))
    mug, plate = new_product("p-1", "Mug", "12.50"), new_product("p-2", "Plate", "0.99")
    await add_products(uows, mug, plate)
    orders = [
        new_order("o5", ALICE, (mug, 1), created_at=at(3)),
        new_order("o2", BOB, (plate, 2), created_at=at(1)),
        # Placed first, but with a longer time to pay (deadline at(60), the others' at(30+)).
        new_order("o6", ALICE, (mug, 1), (plate, 1), created_at=at(0), pay_within=HOUR),
        new_order("o1", ALICE, (plate, 1), created_at=at(3)),
        new_order("o4", BOB, (mug, 4), created_at=at(2)),
        new_order("o3", ALICE, (mug, 1), created_at=at(1)),
    ]
    orders[1].pay(at(5), "pay_o2")
    orders[4].cancel(at(5))
    orders[5].expire(at(40))
    await add_orders(uows, *orders)


NEWEST_FIRST = ["o5", "o1", "o4", "o3", "o2", "o6"]


@pytest.mark.parametrize(
    ("user_id", "status", "expected"),
    [
        (None, None, NEWEST_FIRST),
        (ALICE, None, ["o5", "o1", "o3", "o6"]),
        (BOB, None, ["o4", "o2"]),
        (None, S.PENDING_PAYMENT, ["o5", "o1", "o6"]),
        (ALICE, S.EXPIRED, ["o3"]),
        (BOB, S.PENDING_PAYMENT, []),
        ("u-nobody", None, []),
    ],
)
async def test_list_newest_first_filtered_by_user_and_status(
    uows: Uows,
    user_id: str | None,
    status: OrderStatus | None,
    expected: list[str],
) -> None:
    await _many(uows)

    async with uows.shop().read() as uow:
        page, total = await uow.orders.list(OrderQuery(50, user_id=user_id, status=status))

    assert [o.id for o in page] == expected
    assert total == len(expected)


async def test_listed_orders_are_whole(uows: Uows) -> None:
    await _many(uows)

    async with uows.shop().read() as uow:
        page, _ = await uow.orders.list(OrderQuery(50))
        singles = [await uow.orders.get(o.id) for o in page]

    for listed, single in zip(page, singles, strict=True):
        assert single is not None
        assert_same_order(listed, single)
    by_id = {o.id: o for o in page}
    assert [line.quantity for line in by_id["o6"].lines] == [1, 1]
    assert [c.status for c in by_id["o2"].history] == [S.PENDING_PAYMENT, S.PAID]
    assert by_id["o2"].payment_reference == "pay_o2"


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [(2, 0, ["o5", "o1"]), (2, 1, ["o1", "o4"]), (3, 4, ["o2", "o6"]), (5, 6, []), (5, 99, [])],
)
async def test_list_pages_with_limit_offset_and_full_total(
    uows: Uows, limit: int, offset: int, expected: list[str]
) -> None:
    await _many(uows)

    async with uows.shop().read() as uow:
        page, total = await uow.orders.list(OrderQuery(limit, offset))

    assert [o.id for o in page] == expected
    assert total == 6


@pytest.mark.parametrize(
    ("now", "limit", "expected"),
    [
        # Earliest deadline first, ties by id; only pending ones.
        (at(99), 10, ["o1", "o5", "o6"]),
        (at(99), 2, ["o1", "o5"]),
        (at(45), 10, ["o1", "o5"]),  # o6 was placed first, but is due later
        (at(33.0001), 10, ["o1", "o5"]),
        (at(33), 10, []),  # deadlines strictly before now only
        (at(0), 10, []),
    ],
)
async def test_list_expirable_finds_unpaid_orders_past_their_deadline(
    uows: Uows,
    now: datetime,
    limit: int,
    expected: list[str],
) -> None:
    await _many(uows)

    async with uows.shop().read() as uow:
        due = await uow.orders.list_expirable(now, limit)

    assert list(due) == expected
