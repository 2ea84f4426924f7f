from __future__ import annotations

from adapters.memory.idempotency import InMemoryIdempotencyRepository
from adapters.memory.shop.repositories import InMemoryOrderRepository, InMemoryProductRepository
from adapters.memory.store import Journal, MemoryStore
from adapters.memory.uow import InMemoryUnitOfWork
from application.shop.ports import ShopUnitOfWork


class InMemoryShopUnitOfWork(InMemoryUnitOfWork, ShopUnitOfWork):
    def _bind(self, store: MemoryStore, journal: Journal) -> None:
        self.products = InMemoryProductRepository(store, journal)
        self.orders = InMemoryOrderRepository(store, journal)
        self.idempotency = InMemoryIdempotencyRepository(store, journal)
