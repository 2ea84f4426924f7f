"""The shop's SQL repositories: products.py, orders.py, idempotency.py (tables in
adapters/sql/tables.py, migration 0002)."""

from __future__ import annotations

from adapters.sql.shop.idempotency import SqlIdempotencyRepository
from adapters.sql.shop.orders import SqlOrderRepository
from adapters.sql.shop.products import SqlProductRepository

# The shop's repositories by the attribute ShopUnitOfWork names, merged into
# adapters/sql/uow.py's REPOSITORIES.
REPOSITORIES = {
    "products": SqlProductRepository,
    "orders": SqlOrderRepository,
    "idempotency": SqlIdempotencyRepository,
}

__all__ = ["REPOSITORIES", "SqlIdempotencyRepository", "SqlOrderRepository", "SqlProductRepository"]
