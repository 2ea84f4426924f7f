"""Shop commands and views. Money leaves as a Decimal with exactly the currency's decimals
plus the currency code: the edge formats it (str(amount) gives "1000.00")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from application.shared.actor import Actor
from application.shared.views import field_names, view_of
from application.shop.ports import ProductSortField
from domain.shared.unset import UNSET, Unset
from domain.shop.catalog import Product
from domain.shop.orders import Order, OrderLine, OrderStatus, StatusChange

# A price as a client sends it: a decimal string or a JSON number parsed as Decimal or int.
PriceInput = str | int | Decimal


@dataclass(frozen=True, slots=True)
class CreateProductCommand:
    actor: Actor
    sku: str
    name: str
    price: PriceInput
    on_hand: int = 0
    description: str = ""
    active: bool = True


@dataclass(frozen=True, slots=True)
class ChangeProductCommand:
    """A partial update: UNSET fields are left alone. `on_hand` is a stock-take (the units
    on the shelf; reservations are kept). `expected_versions`: apply only if the product
    is still at one of these versions (HTTP If-Match), checked under its lock; None
    applies it whatever the version."""

    actor: Actor
    product_id: str
    sku: str | Unset = UNSET
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    price: PriceInput | Unset = UNSET
    on_hand: int | Unset = UNSET
    active: bool | Unset = UNSET
    expected_versions: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class AdjustStockCommand:
    actor: Actor
    product_id: str
    delta: int


@dataclass(frozen=True, slots=True)
class ListProductsQuery:
    """`actor` None is an anonymous caller: the catalogue is public."""

    actor: Actor | None
    limit: int
    offset: int = 0
    q: str | None = None
    active: bool | None = None
    sort: ProductSortField = ProductSortField.CREATED_AT
    descending: bool = False


@dataclass(frozen=True, slots=True)
class PlaceOrderCommand:
    """`lines`: (product_id, quantity) pairs, in the client's order."""

    actor: Actor
    lines: tuple[tuple[str, int], ...]
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class ListOrdersQuery:
    """A user lists their own orders; an admin everyone's, or one user's with `user_id`."""

    actor: Actor
    limit: int
    offset: int = 0
    status: OrderStatus | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProductView:
    """`stock` = on_hand - reserved: what an order may take. `version` changes with every
    change of the product (the edge's ETag)."""

    id: str
    sku: str
    name: str
    description: str
    price: Decimal
    currency: str
    stock: int
    on_hand: int
    reserved: int
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_product(cls, p: Product) -> ProductView:
        return cls(**_fields(cls, p, price=p.price.amount, currency=p.price.currency.code))


@dataclass(frozen=True, slots=True)
class OrderLineView:
    product_id: str
    sku: str
    name: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal

    @classmethod
    def from_line(cls, line: OrderLine) -> OrderLineView:
        prices = {"unit_price": line.unit_price.amount, "line_total": line.line_total.amount}
        return cls(**_fields(cls, line, **prices))


@dataclass(frozen=True, slots=True)
class StatusChangeView:
    status: OrderStatus
    at: datetime

    @classmethod
    def from_change(cls, change: StatusChange) -> StatusChangeView:
        return view_of(cls, change)


@dataclass(frozen=True, slots=True)
class OrderView:
    """`replayed` is True only when PlaceOrder answers a retried Idempotency-Key with the
    first response (the edge then sends `Idempotent-Replayed: true`)."""

    id: str
    user_id: str
    status: OrderStatus
    lines: tuple[OrderLineView, ...]
    total: Decimal
    currency: str
    created_at: datetime
    expires_at: datetime
    updated_at: datetime
    history: tuple[StatusChangeView, ...]
    payment_reference: str | None
    replayed: bool = False

    @classmethod
    def from_order(cls, order: Order, replayed: bool = False) -> OrderView:
        return cls(
            **_fields(
                cls,
                order,
                lines=tuple(OrderLineView.from_line(line) for line in order.lines),
                total=order.total.amount,
                currency=order.currency.code,
                history=tuple(StatusChangeView.from_change(c) for c in order.history),
                replayed=replayed,
            )
        )


def _fields(view_type: type[Any], source: object, **computed: Any) -> dict[str, Any]:
    """A view's fields read from `source` by name (as view_of does), except those given:
    Money leaves as its Decimal amount and currency code."""
    return {n: computed[n] if n in computed else getattr(source, n) for n in field_names(view_type)}
