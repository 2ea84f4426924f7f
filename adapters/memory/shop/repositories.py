"""The shop's repositories on the in-memory store. The store's lock already serialises
transactions; "for update" marks the rows the transaction holds, and only those may be
saved (adapters/memory/store.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from adapters.memory.store import Journal, MemoryStore, clone, put, restore
from application.shop.ports import (
    OrderQuery,
    OrderRepository,
    ProductQuery,
    ProductRepository,
    ProductSortField,
)
from domain.shop.catalog import Product
from domain.shop.errors import SkuTaken
from domain.shop.orders import Order


class InMemoryProductRepository(ProductRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        tables = store.of("shop")
        self._products: dict[str, Product] = tables.table("products")
        self._ids_by_sku: dict[str, str] = tables.table("product_ids_by_sku")
        self._journal = journal

    async def add(self, product: Product) -> None:
        self._journal.check_writable()
        if product.sku in self._ids_by_sku:
            raise SkuTaken.for_sku(product.sku)
        put(self._journal, self._ids_by_sku, product.sku, product.id)
        put(self._journal, self._products, product.id, clone(product))
        self._journal.hold(self._products, product.id)

    async def get(self, product_id: str) -> Product | None:
        product = self._products.get(product_id)
        return clone(product) if product else None

    async def get_many_for_update(self, product_ids: Collection[str]) -> Sequence[Product]:
        self._journal.check_writable()  # a lock is a write's first step
        wanted = sorted(set(product_ids))
        for product_id in wanted:  # an absent one too: saving it writes nothing, as in SQL
            self._journal.hold(self._products, product_id)
        return [clone(self._products[i]) for i in wanted if i in self._products]

    async def save(self, product: Product) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._products, product.id)
        stored = self._products.get(product.id)
        if stored is None:
            return
        if product.sku != stored.sku:
            if self._ids_by_sku.get(product.sku, product.id) != product.id:
                raise SkuTaken.for_sku(product.sku)
            self._journal.record(restore(self._ids_by_sku, stored.sku))
            del self._ids_by_sku[stored.sku]
            put(self._journal, self._ids_by_sku, product.sku, product.id)
        put(self._journal, self._products, product.id, clone(product))

    async def list(self, query: ProductQuery) -> tuple[Sequence[Product], int]:
        needle = query.q.casefold() if query.q is not None else None
        products = [p for p in self._products.values() if _matches(query, needle, p)]
        key = _PRODUCT_SORT_KEYS[query.sort]
        # Ties break by creation time, then id, in the sort's direction.
        products.sort(key=lambda p: (key(p), p.created_at, p.id), reverse=query.descending)
        page = products[query.offset : query.offset + query.limit]
        return [clone(p) for p in page], len(products)


def _matches(query: ProductQuery, needle: str | None, product: Product) -> bool:
    active = query.active is None or product.active == query.active
    return active and (needle is None or needle in product.search_name)


_PRODUCT_SORT_KEYS: dict[ProductSortField, Callable[[Product], Any]] = {
    ProductSortField.NAME: lambda p: p.name,
    ProductSortField.PRICE: lambda p: p.price.minor_units,
    ProductSortField.CREATED_AT: lambda p: p.created_at,
}


class InMemoryOrderRepository(OrderRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._orders: dict[str, Order] = store.of("shop").table("orders")
        self._journal = journal

    async def add(self, order: Order) -> None:
        self._journal.check_writable()
        put(self._journal, self._orders, order.id, clone(order))
        self._journal.hold(self._orders, order.id)

    async def get(self, order_id: str) -> Order | None:
        order = self._orders.get(order_id)
        return clone(order) if order else None

    async def get_for_update(self, order_id: str) -> Order | None:
        self._journal.hold(self._orders, order_id)
        return await self.get(order_id)

    async def save(self, order: Order) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._orders, order.id)
        if order.id in self._orders:
            put(self._journal, self._orders, order.id, clone(order))

    async def list(self, query: OrderQuery) -> tuple[Sequence[Order], int]:
        orders = [
            o
            for o in self._orders.values()
            if query.user_id in (None, o.user_id) and query.status in (None, o.status)
        ]
        orders.sort(key=lambda o: (o.created_at, o.id), reverse=True)  # newest first
        page = orders[query.offset : query.offset + query.limit]
        return [clone(o) for o in page], len(orders)

    async def list_expirable(self, now: datetime, limit: int) -> Sequence[str]:
        due = [o for o in self._orders.values() if o.is_overdue(now)]
        due.sort(key=lambda o: (o.expires_at, o.id))
        return [o.id for o in due[:limit]]
