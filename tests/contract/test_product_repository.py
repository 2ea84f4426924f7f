"""ProductRepository contract: exact money, unique SKUs (also under a race), locks in
ascending id order (test_product_listing.py has sorting, search and paging)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from application.shared.ports import ReadOnlyTransaction
from application.shop.ports import ProductQuery
from domain.shop.catalog import Product
from domain.shop.errors import SkuTaken
from domain.shop.money import MINOR_UNITS_MAX, Currency, Money
from domain.shop.product_fields import PRICE_MAX_MINOR_UNITS, STOCK_MAX
from tests.contract.builders import (
    add_products,
    assert_utc,
    at,
    new_product,
)
from tests.support.storage import Uows


async def _stored(uows: Uows, product_id: str) -> Product:
    async with uows.shop().read() as uow:
        product = await uow.products.get(product_id)
    assert product is not None
    return product


async def test_add_then_get_returns_every_field(uows: Uows) -> None:
    product = new_product("p-1", "  Big Mug ", "12.50", 7, at(1.5), active=False, sku="mug-1")
    await add_products(uows, product)

    loaded = await _stored(uows, "p-1")
    async with uows.shop().read() as uow:
        assert await uow.products.get("p-unknown") is None

    assert (loaded.id, loaded.sku, loaded.name) == ("p-1", "MUG-1", "Big Mug")
    assert loaded.description == "Line 1\n\tline 2 ✓"
    assert loaded.price == Money(Decimal("12.50"), Currency.of("USD"))
    assert str(loaded.price) == "12.50"
    assert (loaded.on_hand, loaded.reserved, loaded.stock, loaded.active) == (7, 0, 7, False)
    assert loaded.version == 1
    assert_utc(loaded.created_at, at(1.5))
    assert_utc(loaded.updated_at, at(1.5))


MONEY = [
    ("USD", "0.00"),
    ("USD", "0.01"),
    ("USD", "0.10"),
    ("USD", str(Money.from_minor_units(PRICE_MAX_MINOR_UNITS, Currency.of("USD")))),
    ("JPY", "1"),
    ("JPY", str(PRICE_MAX_MINOR_UNITS)),
    ("KWD", "0.001"),
    ("KWD", "123.456"),
    ("KWD", "999999999.999"),
]


@pytest.mark.parametrize(("code", "amount"), MONEY)
async def test_prices_round_trip_exactly(uows: Uows, code: str, amount: str) -> None:
    currency = Currency.of(code)
    await add_products(uows, new_product("p-1", price=amount, currency=currency))

    loaded = await _stored(uows, "p-1")

    assert loaded.price.currency == currency
    assert str(loaded.price) == amount  # the currency's decimals, no float on the way
    assert loaded.price.minor_units == Money.parse(amount, currency).minor_units


async def test_the_full_bigint_range_round_trips(uows: Uows) -> None:
    """Storage holds any Money (2**63 - 1 minor units) and counts past STOCK_MAX in 64
    bits, though the domain limits prices and counts lower."""
    product = new_product("p-1", stock=STOCK_MAX)
    product.price = Money.from_minor_units(MINOR_UNITS_MAX, Currency.of("KWD"))
    product.on_hand, product.reserved, product.version = 5 * STOCK_MAX, 3 * STOCK_MAX, 2**62
    await add_products(uows, product)

    loaded = await _stored(uows, "p-1")

    assert loaded.price.minor_units == MINOR_UNITS_MAX
    assert str(loaded.price) == "9223372036854775.807"
    assert (loaded.on_hand, loaded.reserved, loaded.stock) == (
        5 * STOCK_MAX,
        3 * STOCK_MAX,
        2 * STOCK_MAX,
    )
    assert loaded.version == 2**62


async def test_a_taken_sku_is_refused_and_the_transaction_goes_on(
    uows: Uows,
) -> None:
    await add_products(uows, new_product("p-1", "First", sku="MUG-1"))

    async with uows.shop().write() as uow:
        with pytest.raises(SkuTaken):
            await uow.products.add(new_product("p-2", "Second", sku="mug-1"))  # one SKU
        await uow.products.add(new_product("p-3", "Third", sku="MUG-3"))
        await uow.commit()

    async with uows.shop().read() as uow:
        assert await uow.products.get("p-2") is None
        assert await uow.products.get("p-3") is not None
    assert (await _stored(uows, "p-1")).name == "First"


async def test_two_concurrent_adds_of_one_sku_make_one_product(uows: Uows) -> None:
    async def add(product_id: str) -> str:
        async with uows.shop().write() as uow:
            await uow.products.add(new_product(product_id, sku="RACE-1"))
            await asyncio.sleep(0.02)  # commit late: the other insert meets an open one
            await uow.commit()
        return product_id

    results = await asyncio.gather(add("p-1"), add("p-2"), return_exceptions=True)

    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert [type(r) for r in results if not isinstance(r, str)] == [SkuTaken]
    async with uows.shop().read() as uow:
        page, total = await uow.products.list(ProductQuery(limit=10))
    assert ([p.id for p in page], total) == (winners, 1)


async def test_save_writes_back_every_change(uows: Uows) -> None:
    await add_products(uows, new_product("p-1", "Mug", "1.00", 5, sku="MUG-1"))

    async with uows.shop().write() as uow:
        (product,) = await uow.products.get_many_for_update(["p-1"])
        price = Money.parse("2.50", Currency.of("USD"))
        product.change(at(9), sku="cup-1", name="Ölkanne", description="", price=price)
        product.adjust_stock(-2, at(10))
        product.reserve(2, at(10))
        product.ship(1, at(10))
        product.deactivate(at(11))
        await uow.products.save(product)
        await uow.commit()

    saved = await _stored(uows, "p-1")
    assert (saved.sku, saved.name, saved.description) == ("CUP-1", "Ölkanne", "")
    assert (str(saved.price), saved.active) == ("2.50", False)
    assert (saved.on_hand, saved.reserved, saved.stock, saved.version) == (2, 1, 1, 6)
    assert_utc(saved.created_at, at(0))
    assert_utc(saved.updated_at, at(11))
    async with uows.shop().read() as uow:
        found, _ = await uow.products.list(ProductQuery(limit=10, q="ÖLK"))  # new name
        old, _ = await uow.products.list(ProductQuery(limit=10, q="mug"))
    assert ([p.id for p in found], list(old)) == (["p-1"], [])


async def test_saving_a_taken_sku_is_refused_and_the_transaction_goes_on(
    uows: Uows,
) -> None:
    await add_products(uows, new_product("p-1", sku="A-1"), new_product("p-2", sku="B-1"))

    async with uows.shop().write() as uow:
        first, second = await uow.products.get_many_for_update(["p-2", "p-1"])
        second.change(at(1), sku="a-1", name="Renamed")
        with pytest.raises(SkuTaken):
            await uow.products.save(second)
        first.change(at(1), name="Kept SKU")  # its own SKU is no conflict
        await uow.products.save(first)
        await uow.commit()

    refused, kept = await _stored(uows, "p-2"), await _stored(uows, "p-1")
    assert (refused.sku, refused.name) == ("B-1", "Mug")  # nothing of the refused save
    assert (kept.sku, kept.name) == ("A-1", "Kept SKU")


async def test_two_concurrent_renames_to_one_sku_leave_one_owner(
    uows: Uows,
) -> None:
    await add_products(uows, new_product("p-1", sku="A-1"), new_product("p-2", sku="B-1"))

    async def rename(product_id: str) -> str:
        async with uows.shop().write() as uow:
            (product,) = await uow.products.get_many_for_update([product_id])
            product.change(at(1), sku="TAKEN-1")
            await uow.products.save(product)
            await asyncio.sleep(0.02)  # commit late: the other UPDATE meets an open one
            await uow.commit()
        return product_id

    results = await asyncio.gather(rename("p-1"), rename("p-2"), return_exceptions=True)

    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1
    assert [type(r) for r in results if not isinstance(r, str)] == [SkuTaken]
    loser = "p-2" if winners == ["p-1"] else "p-1"
    assert (await _stored(uows, winners[0])).sku == "TAKEN-1"
    assert (await _stored(uows, loser)).sku in {"A-1", "B-1"}  # unchanged


async def test_a_loaded_product_changes_nothing_until_saved(uows: Uows) -> None:
    await add_products(uows, new_product("p-1", stock=5))

    async with uows.shop().write() as uow:
        product = await uow.products.get("p-1")
        assert product is not None
        product.adjust_stock(-5, at(1))
        await uow.commit()

    assert (await _stored(uows, "p-1")).stock == 5


async def test_saving_an_unknown_product_writes_nothing(uows: Uows) -> None:
    async with uows.shop().write() as uow:
        assert await uow.products.get_many_for_update(["p-ghost"]) == []
        await uow.products.save(new_product("p-ghost"))
        await uow.commit()

    async with uows.shop().read() as uow:
        assert await uow.products.get("p-ghost") is None


async def test_get_many_for_update_in_ascending_id_order(uows: Uows) -> None:
    # Inserted out of order; "B" < "a" < "b" by code point.
    ids = ["p-b", "p-B", "p-a", "p-10", "p-9"]
    await add_products(uows, *(new_product(i, sku=f"S-{n}") for n, i in enumerate(ids)))

    async with uows.shop().write() as uow:
        found = await uow.products.get_many_for_update([*ids, "p-missing", "p-a"])
        none = await uow.products.get_many_for_update([])
        only_missing = await uow.products.get_many_for_update(["p-missing"])

    assert [p.id for p in found] == ["p-10", "p-9", "p-B", "p-a", "p-b"]
    assert (list(none), list(only_missing)) == ([], [])


async def test_locks_taken_in_opposite_request_orders_never_deadlock(
    uows: Uows,
) -> None:
    await add_products(uows, *(new_product(f"p-{i}", stock=100) for i in range(3)))
    forward, backward = ["p-0", "p-1", "p-2"], ["p-2", "p-1", "p-0"]

    async def take(ids: list[str]) -> None:
        async with uows.shop().write() as uow:
            for product in await uow.products.get_many_for_update(ids):
                await asyncio.sleep(0.001)  # hold the first locks while others queue
                product.reserve(1, at(1))
                await uow.products.save(product)
            await uow.commit()

    racers = [take(forward if i % 2 else backward) for i in range(20)]
    results = await asyncio.gather(*racers, return_exceptions=True)

    assert [r for r in results if r is not None] == []  # no deadlock, no lost update
    async with uows.shop().read() as uow:
        stocks = [p.stock for p in (await uow.products.list(ProductQuery(limit=10)))[0]]
    assert stocks == [80, 80, 80]


async def test_every_write_fails_in_a_read(uows: Uows) -> None:
    await add_products(uows, new_product("p-1"))

    with pytest.raises(ReadOnlyTransaction):
        async with uows.shop().read() as uow:
            await uow.products.add(new_product("p-2"))
    product = await _stored(uows, "p-1")
    product.adjust_stock(-1, at(1))
    with pytest.raises(ReadOnlyTransaction):
        async with uows.shop().read() as uow:
            await uow.products.save(product)

    async with uows.shop().read() as uow:
        assert await uow.products.get("p-2") is None
    assert (await _stored(uows, "p-1")).stock == 10
