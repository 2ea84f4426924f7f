from __future__ import annotations

from typing import Any

from adapters.sql.idempotency import SqlIdempotencyRepository
from adapters.sql.shop.orders import SqlOrderRepository
from adapters.sql.shop.products import SqlProductRepository
from adapters.sql.uow import SqlUnitOfWork
from application.shop.ports import ShopUnitOfWork


class SqlShopUnitOfWork(SqlUnitOfWork, ShopUnitOfWork):
    def _bind(self, connection: Any) -> None:
        self.products = SqlProductRepository(connection)
        self.orders = SqlOrderRepository(connection)
        self.idempotency = SqlIdempotencyRepository(connection)
