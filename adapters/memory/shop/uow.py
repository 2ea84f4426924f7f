from __future__ import annotations

from adapters.memory.idempotency import InMemoryIdempotencyRepository
from adapters.memory.shop.repositories import InMemoryOrderRepository, InMemoryProductRepository
from adapters.memory.uow import InMemoryUnitOfWork
from application.shop.ports import ShopUnitOfWork


class InMemoryShopUnitOfWork(InMemoryUnitOfWork, ShopUnitOfWork):
    repositories = {
        "products": InMemoryProductRepository,
        "orders": InMemoryOrderRepository,
        "idempotency": InMemoryIdempotencyRepository,
    }
