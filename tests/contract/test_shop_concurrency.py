"""The shop's races, run through the real use cases on memory, SQLite and PostgreSQL: no
oversell, no deadlock, one order per Idempotency-Key, stock returned exactly once, a
stock-take never erasing reservations, one change per expected version (If-Match).

Every call gets its own unit of work, as in the app. The last tests run the races across
several containers on one database, each standing for a server process (its own pool
and, on SQLite, its own write gate), as tests/contract/test_sqlite_locking.py does.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence

import pytest

from adapters.memory.shop.payments import InMemoryPaymentGateway
from application.shared.actor import Actor
from application.shop.dto import (
    ChangeProductCommand,
    CreateProductCommand,
    ListOrdersQuery,
    OrderView,
    PlaceOrderCommand,
    ProductView,
)
from application.shop.ports import ShopUnitOfWork
from application.shop.use_cases.browsing import GetProduct
from application.shop.use_cases.catalog import ChangeProduct, CreateProduct
from application.shop.use_cases.lifecycle import CancelOrder, ExpireOrders
from application.shop.use_cases.ordering import PlaceOrder
from application.shop.use_cases.reading import ListOrders
from domain.shared.idempotency import IdempotencyKeyInProgress
from domain.shared.roles import Role
from domain.shop.errors import InsufficientStock, InvalidTransition, ProductChanged
from domain.shop.orders import OrderStatus
from entrypoints.container import Container
from tests.contract.builders import USD, add_users, new_user
from tests.contract.conftest import OpenProcesses
from tests.support.clock import ManualClock
from tests.support.storage import Uows

ALICE = Actor("u-alice", Role.USER, "s-alice")
BOB = Actor("u-bob", Role.USER, "s-bob")
ADMIN = Actor("u-admin", Role.ADMIN, "s-admin")
BUYERS = (ALICE, BOB)
# The shop's units of work on one database (one process's): `uows.shop`.
ShopUows = Callable[[], ShopUnitOfWork]


async def _buyers(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("bob"))


async def _product(uows: ShopUows, clock: ManualClock, sku: str, stock: int) -> str:
    command = CreateProductCommand(ADMIN, sku, f"Product {sku}", "10.00", stock)
    view: ProductView = await CreateProduct(uows(), clock, USD).execute(command)
    return view.id


async def _stock(uows: ShopUows, product_id: str) -> int:
    return (await GetProduct(uows()).execute(ADMIN, product_id)).stock


async def _change(uows: ShopUows, clock: ManualClock, **fields: object) -> ProductView:
    command = ChangeProductCommand(ADMIN, **fields)  # type: ignore[arg-type]
    return await ChangeProduct(uows(), clock, USD).execute(command)


async def _place(
    uows: ShopUows,
    clock: ManualClock,
    actor: Actor,
    *lines: tuple[str, int],
    key: str | None = None,
) -> OrderView:
    command = PlaceOrderCommand(actor, tuple(lines), idempotency_key=key)
    return await PlaceOrder(uows(), clock, USD).execute(command)


async def _orders(uows: ShopUows) -> Sequence[OrderView]:
    page = await ListOrders(uows()).execute(ListOrdersQuery(ADMIN, limit=200))
    assert page.total == len(page.items)
    return page.items


async def _buy_the_last_units(
    uows: Sequence[ShopUows], clock: ManualClock, buyers: int, stock: int
) -> None:
    """`buyers` racing orders of one unit each, spread over `uows` (one per process),
    while a reader watches the stock: exactly `stock` orders, and it never dips below 0."""
    product = await _product(uows[0], clock, "HOT-1", stock)
    seen: list[int] = []
    racing = True

    async def watch() -> None:
        while racing:
            seen.append(await _stock(uows[0], product))
            await asyncio.sleep(0.001)

    watcher = asyncio.create_task(watch())
    results = await asyncio.gather(
        *(_place(uows[i % len(uows)], clock, BUYERS[i % 2], (product, 1)) for i in range(buyers)),
        return_exceptions=True,
    )
    racing = False
    await watcher

    placed = [r for r in results if isinstance(r, OrderView)]
    refused = [r for r in results if not isinstance(r, OrderView)]
    assert len(placed) == stock
    assert [r for r in refused if not isinstance(r, InsufficientStock)] == []
    assert await _stock(uows[0], product) == 0
    assert seen
    assert min(seen) >= 0
    assert sorted(o.id for o in await _orders(uows[0])) == sorted(o.id for o in placed)


async def test_100_buyers_of_10_units_make_exactly_10_orders(
    uows: Uows, clock: ManualClock
) -> None:
    await _buyers(uows)
    await _buy_the_last_units([uows.shop], clock, buyers=100, stock=10)


async def test_orders_taking_products_in_opposite_orders_all_finish(
    uows: Uows, clock: ManualClock
) -> None:
    await _buyers(uows)
    ids = [await _product(uows.shop, clock, f"P-{n}", 100) for n in range(3)]
    forward = [(i, 1) for i in ids]
    backward = forward[::-1]

    pairs = 20  # each pair: one order lists the products forwards, the other backwards
    results = await asyncio.gather(
        *(
            _place(uows.shop, clock, BUYERS[i % 2], *(backward if i % 2 else forward))
            for i in range(2 * pairs)
        ),
        return_exceptions=True,
    )

    # No deadlock error (StorageConflict) or anything else: every order went through.
    assert [r for r in results if not isinstance(r, OrderView)] == []
    assert [await _stock(uows.shop, i) for i in ids] == [100 - 2 * pairs] * 3
    assert len(await _orders(uows.shop)) == 2 * pairs


async def _one_key_race(uows: Sequence[ShopUows], clock: ManualClock, racers: int) -> None:
    product = await _product(uows[0], clock, "KEY-1", 100)

    results = await asyncio.gather(
        *(
            _place(uows[i % len(uows)], clock, ALICE, (product, 1), key="checkout-42")
            for i in range(racers)
        ),
        return_exceptions=True,
    )

    views = [r for r in results if isinstance(r, OrderView)]
    busy = [r for r in results if isinstance(r, IdempotencyKeyInProgress)]
    assert len(views) + len(busy) == racers  # nothing else: no raw unique violation
    assert len({v.id for v in views}) == 1  # replays answer with the one order
    assert [v.replayed for v in views].count(False) == 1
    assert [o.id for o in await _orders(uows[0])] == [views[0].id]
    assert await _stock(uows[0], product) == 99
    retry = await _place(uows[-1], clock, ALICE, (product, 1), key="checkout-42")
    assert (retry.id, retry.replayed) == (views[0].id, True)


async def test_20_requests_with_one_idempotency_key_place_one_order(
    uows: Uows, clock: ManualClock
) -> None:
    await _buyers(uows)
    await _one_key_race([uows.shop], clock, racers=20)


async def test_cancel_racing_the_expiry_sweep_returns_stock_once(
    uows: Uows, clock: ManualClock
) -> None:
    await _buyers(uows)
    product = await _product(uows.shop, clock, "MUG-1", 50)
    orders = [await _place(uows.shop, clock, ALICE, (product, 2)) for _ in range(10)]
    assert await _stock(uows.shop, product) == 30
    clock.advance(minutes=31)  # every order is overdue now
    payments = InMemoryPaymentGateway()

    def sweep() -> asyncio.Task[int]:
        return asyncio.create_task(ExpireOrders(uows.shop(), clock, batch_size=3).execute())

    def cancel(order: OrderView) -> asyncio.Task[OrderView]:
        use_case = CancelOrder(uows.shop(), clock, payments)
        return asyncio.create_task(use_case.execute(ALICE, order.id))

    # Sweepers start before, among and after the cancellations.
    sweeps = [sweep()]
    cancels = [cancel(o) for o in orders[:5]]
    sweeps.append(sweep())
    cancels += [cancel(o) for o in orders[5:]]
    sweeps.append(sweep())
    cancelled = await asyncio.gather(*cancels, return_exceptions=True)
    expired = await asyncio.gather(*sweeps, return_exceptions=True)

    assert [r for r in cancelled if not isinstance(r, OrderView | InvalidTransition)] == []
    assert [r for r in expired if not isinstance(r, int)] == []
    won = {r.id for r in cancelled if isinstance(r, OrderView)}
    assert len(won) + sum(r for r in expired if isinstance(r, int)) == len(orders)
    assert await _stock(uows.shop, product) == 50  # every unit back, none twice
    for order in await _orders(uows.shop):
        final = OrderStatus.CANCELLED if order.id in won else OrderStatus.EXPIRED
        assert [c.status for c in order.history] == [OrderStatus.PENDING_PAYMENT, final]


async def test_a_stock_take_racing_buyers_keeps_every_reservation(
    uows: Uows, clock: ManualClock
) -> None:
    """The shelf is counted (50) while 30 buyers order: whenever the count lands, every
    order keeps its units, so stock = 50 - 30 at the end."""
    await _buyers(uows)
    shop_uow = uows.shop
    product = await _product(shop_uow, clock, "COUNT-1", 100)

    buyers = [_place(shop_uow, clock, BUYERS[i % 2], (product, 1)) for i in range(30)]
    count = _change(shop_uow, clock, product_id=product, on_hand=50)
    results = await asyncio.gather(*buyers[:15], count, *buyers[15:], return_exceptions=True)

    assert [r for r in results if isinstance(r, BaseException)] == []
    view = await GetProduct(shop_uow()).execute(ADMIN, product)
    assert (view.on_hand, view.reserved, view.stock) == (50, 30, 20)
    assert view.version == 1 + 30 + 1


async def _changes_for_one_version(
    uows: Sequence[ShopUows], clock: ManualClock, racers: int, sku: str = "ETAG-1"
) -> None:
    """`racers` changes conditional on the version all of them read: exactly one applies,
    the others hear the product changed, and nothing is lost or half-written."""
    product = await _product(uows[0], clock, sku, 10)
    seen = frozenset({(await GetProduct(uows[0]()).execute(ADMIN, product)).version})

    results = await asyncio.gather(
        *(
            _change(uows[i % len(uows)], clock, product_id=product, on_hand=20 + i,
                    expected_versions=seen)
            for i in range(racers)
        ),
        return_exceptions=True,
    )  # fmt: skip

    applied = [r for r in results if isinstance(r, ProductView)]
    refused = [r for r in results if isinstance(r, ProductChanged)]
    assert (len(applied), len(refused)) == (1, racers - 1), results
    view = await GetProduct(uows[0]()).execute(ADMIN, product)
    assert (view.on_hand, view.version) == (applied[0].on_hand, applied[0].version)
    assert view.version == max(seen) + 1


async def test_two_changes_for_one_version_apply_once(uows: Uows, clock: ManualClock) -> None:
    await _changes_for_one_version([uows.shop], clock, racers=2)
    await _changes_for_one_version([uows.shop], clock, racers=10, sku="ETAG-2")


# --- across processes ---------------------------------------------------------------------

PROCESSES = 4


@pytest.fixture
async def processes(open_processes: OpenProcesses) -> AsyncIterator[list[Container]]:
    """One container per server process, all on one database: on SQLite nothing but
    BEGIN IMMEDIATE orders their writers; on PostgreSQL each has its own pool."""
    async with open_processes(PROCESSES, pool_size=5) as containers:  # 4 pools of 5
        await add_users(Uows.of(containers[0]), new_user("alice"), new_user("bob"))
        yield containers


async def test_100_buyers_across_processes_make_exactly_10_orders(
    processes: list[Container], clock: ManualClock
) -> None:
    uows = [Uows.of(container).shop for container in processes]
    await _buy_the_last_units(uows, clock, buyers=100, stock=10)


async def test_one_idempotency_key_across_processes_places_one_order(
    processes: list[Container], clock: ManualClock
) -> None:
    uows = [Uows.of(container).shop for container in processes]
    await _one_key_race(uows, clock, racers=20)


async def test_changes_for_one_version_across_processes_apply_once(
    processes: list[Container], clock: ManualClock
) -> None:
    uows = [Uows.of(container).shop for container in processes]
    await _changes_for_one_version(uows, clock, racers=8)
