"""The shop's in-memory repositories: rollback, read-only units of work, copies, order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.shop.uow import InMemoryShopUnitOfWork
from adapters.memory.store import MemoryStore
from application.shared.idempotency import DuplicateIdempotencyKey
from application.shared.ports import ReadOnlyTransaction
from domain.shared.idempotency import IdempotencyRecord
from domain.shop.catalog import Product
from domain.shop.errors import SkuTaken
from domain.shop.money import Currency, Money
from domain.shop.orders import Order, OrderLine

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
USD = Currency.of("USD")


def a_product(product_id: str = "p1", sku: str = "SKU-1") -> Product:
    return Product.create(product_id, sku, "Mug", "", Money.parse("1", USD), 5, NOW)


def an_order(order_id: str = "o1") -> Order:
    line = OrderLine("p1", "SKU-1", "Mug", Money.parse("1", USD), 1)
    return Order.place(order_id, "u1", (line,), USD, NOW, pay_within=timedelta(minutes=30))


def a_record(key: str = "k1", user_id: str = "u1") -> IdempotencyRecord:
    return IdempotencyRecord(user_id, key, "fp", "token-1", NOW)


async def seed(store: MemoryStore) -> None:
    async with InMemoryShopUnitOfWork(store).write() as uow:
        await uow.products.add(a_product())
        await uow.orders.add(an_order())
        await uow.idempotency.add(a_record())
        await uow.commit()


async def test_writes_without_commit_are_rolled_back(store: MemoryStore) -> None:
    await seed(store)

    async with InMemoryShopUnitOfWork(store).write() as uow:
        await uow.products.add(a_product("p2", "SKU-2"))
        product = (await uow.products.get_many_for_update(["p1"]))[0]
        product.change(NOW, sku="SKU-9", on_hand=0)
        await uow.products.save(product)
        order = await uow.orders.get_for_update("o1")
        assert order is not None
        order.cancel(NOW)
        await uow.orders.save(order)
        await uow.orders.add(an_order("o2"))
        assert await uow.idempotency.get_for_update("u1", "k1") == a_record()
        await uow.idempotency.save(a_record().complete("o1"))
        await uow.idempotency.add(a_record("k2"))
        await uow.idempotency.delete("u1", "k1")

    async with InMemoryShopUnitOfWork(store).write() as uow:  # get_for_update: not in a read
        product_after = await uow.products.get("p1")
        order_after = await uow.orders.get("o1")
        record = await uow.idempotency.get_for_update("u1", "k1")
        assert await uow.products.get("p2") is None
        assert await uow.orders.get("o2") is None
        assert await uow.idempotency.get_for_update("u1", "k2") is None
    assert product_after is not None
    assert (product_after.sku, product_after.stock) == ("SKU-1", 5)
    assert order_after is not None
    assert order_after.status.value == "pending_payment"
    assert record == a_record()
    assert store.of("shop").table("product_ids_by_sku") == {"SKU-1": "p1"}


async def test_every_write_fails_in_a_read_only_unit_of_work(store: MemoryStore) -> None:
    await seed(store)
    async with InMemoryShopUnitOfWork(store).read() as uow:
        writes = [
            uow.products.add(a_product("p2", "SKU-2")),
            uow.products.save(a_product()),
            uow.orders.add(an_order("o2")),
            uow.orders.save(an_order()),
            uow.idempotency.add(a_record("k2")),
            uow.idempotency.save(a_record()),
            uow.idempotency.delete("u1", "k1"),
            uow.idempotency.delete_created_before(NOW + timedelta(days=2), 10),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyTransaction):
                await write


async def test_entities_are_stored_as_copies(store: MemoryStore) -> None:
    await seed(store)

    async with InMemoryShopUnitOfWork(store).write() as uow:
        product = await uow.products.get("p1")
        assert product is not None
        product.adjust_stock(-5, NOW)  # changed but never saved
        await uow.commit()

    assert store.of("shop").table("products")["p1"].stock == 5


async def test_products_are_locked_in_ascending_id_order(store: MemoryStore) -> None:
    async with InMemoryShopUnitOfWork(store).write() as uow:
        for product_id in ["p3", "p1", "p2"]:
            await uow.products.add(a_product(product_id, f"SKU-{product_id}"))
        found = await uow.products.get_many_for_update(["p3", "missing", "p1", "p3"])

    assert [p.id for p in found] == ["p1", "p3"]


async def test_a_duplicate_sku_is_refused_on_add_and_on_save(store: MemoryStore) -> None:
    await seed(store)

    async with InMemoryShopUnitOfWork(store).write() as uow:
        with pytest.raises(SkuTaken):
            await uow.products.add(a_product("p2", "SKU-1"))
        await uow.products.add(a_product("p2", "SKU-2"))
        second = await uow.products.get("p2")
        assert second is not None
        second.change(NOW, sku="SKU-1")
        with pytest.raises(SkuTaken):
            await uow.products.save(second)


async def test_a_duplicate_idempotency_claim_is_refused(store: MemoryStore) -> None:
    await seed(store)

    async with InMemoryShopUnitOfWork(store).write() as uow:
        with pytest.raises(DuplicateIdempotencyKey):
            await uow.idempotency.add(a_record())
        await uow.idempotency.add(a_record(user_id="u2"))  # another user's key is another key
