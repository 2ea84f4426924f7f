"""What the shop use cases need from the outside world: storage and a payment provider."""

from __future__ import annotations

import abc
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from application.shared.idempotency import IdempotentUnitOfWork
from domain.shop.catalog import Product
from domain.shop.orders import Order, OrderStatus


class ProductSortField(Enum):
    NAME = "name"
    PRICE = "price"
    CREATED_AT = "created_at"


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """`q` keeps products whose `search_name` (the case-folded name) contains q.casefold();
    `active` None means both. Names sort by code point (COLLATE "C"), prices by minor
    units; ties break by creation time, then id, in the same direction as the sort."""

    limit: int
    offset: int = 0
    q: str | None = None
    active: bool | None = None
    sort: ProductSortField = ProductSortField.CREATED_AT
    descending: bool = False


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """Newest first (creation time, then id, both descending). `user_id` None: everyone's."""

    limit: int
    offset: int = 0
    user_id: str | None = None
    status: OrderStatus | None = None


class ProductRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, product: Product) -> None:
        """Raise SkuTaken when another product has the SKU (also under a race)."""

    @abc.abstractmethod
    async def get(self, product_id: str) -> Product | None: ...

    @abc.abstractmethod
    async def get_many_for_update(self, product_ids: Collection[str]) -> Sequence[Product]:
        """The products that exist among `product_ids`, locked until commit and returned in
        ascending id order. Locks are taken in that order, so two transactions taking the
        same products never wait for each other in a cycle (no deadlock)."""

    @abc.abstractmethod
    async def save(self, product: Product) -> None:
        """Write back a product loaded in this unit of work; SkuTaken if its SKU changed to
        one another product has."""

    @abc.abstractmethod
    async def list(self, query: ProductQuery) -> tuple[Sequence[Product], int]:
        """One page of products and the total that match the query."""


class OrderRepository(abc.ABC):
    """Not scoped to an owner: who may see an order is decided by the use cases."""

    @abc.abstractmethod
    async def add(self, order: Order) -> None: ...

    @abc.abstractmethod
    async def get(self, order_id: str) -> Order | None: ...

    @abc.abstractmethod
    async def get_for_update(self, order_id: str) -> Order | None:
        """Like get, and lock the order until commit. A transaction that locks orders and
        products takes the orders first (by ascending id), then the products."""

    @abc.abstractmethod
    async def save(self, order: Order) -> None:
        """Write back an order loaded in this unit of work (status, history, payment)."""

    @abc.abstractmethod
    async def list(self, query: OrderQuery) -> tuple[Sequence[Order], int]: ...

    @abc.abstractmethod
    async def list_expirable(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of up to `limit` orders still pending payment whose deadline (`expires_at`)
        is before `now`, earliest deadline first (then by id). Not locked: the caller
        locks each and checks it again."""


class ShopUnitOfWork(IdempotentUnitOfWork):
    products: ProductRepository
    orders: OrderRepository


class PaymentGateway(abc.ABC):
    """Stands in for a payment provider. Both calls are idempotent per order id (as real
    providers' idempotency keys make them): a retry after a failed commit charges or
    refunds once. They run inside the order's transaction, so a commit that fails after a
    charge leaves the order unpaid until the admin retries `pay`: with a real provider this
    wants an outbox (record the intent, call after commit, reconcile) — not built yet."""

    @abc.abstractmethod
    async def charge(self, order: Order) -> str:
        """Charge the order's total; the provider's payment reference, or PaymentDeclined."""

    @abc.abstractmethod
    async def refund(self, order: Order) -> None:
        """Give back what was charged for a paid order that is being cancelled."""
