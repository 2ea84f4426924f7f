from __future__ import annotations

from adapters.sql.idempotency import SqlIdempotencyRepository
from adapters.sql.shop.orders import SqlOrderRepository
from adapters.sql.shop.products import SqlProductRepository
from adapters.sql.uow import SqlUnitOfWork
from application.shop.ports import ShopUnitOfWork


class SqlShopUnitOfWork(SqlUnitOfWork, ShopUnitOfWork):
    repositories = {
        "products": SqlProductRepository,
        "orders": SqlOrderRepository,
        "idempotency": SqlIdempotencyRepository,
    }
