"""Orders: lines snapshotted when placed, and a status that moves only by the rules."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from domain.shop.errors import (
    CurrencyMismatch,
    InvalidLineCount,
    InvalidTransition,
    OrderPaymentOverdue,
)
from domain.shop.money import Currency, Money

LINES_MIN, LINES_MAX = 1, 50
QUANTITY_MIN, QUANTITY_MAX = 1, 1000


class OrderStatus(Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


_S = OrderStatus
# Every legal move; anything else is an InvalidTransition. Final states have none.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    _S.PENDING_PAYMENT: frozenset({_S.PAID, _S.CANCELLED, _S.EXPIRED}),
    _S.PAID: frozenset({_S.SHIPPED, _S.CANCELLED}),
    _S.SHIPPED: frozenset({_S.DELIVERED}),
    _S.DELIVERED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.EXPIRED: frozenset(),
}
# Entering these states hands the reserved units back to the catalogue (shipping takes
# them off the shelf instead).
RETURNS_STOCK = frozenset({_S.CANCELLED, _S.EXPIRED})


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: OrderStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class OrderLine:
    """What was bought, as it was when the order was placed: later changes to the product
    (name, price, SKU) never reach it."""

    product_id: str
    sku: str
    name: str
    unit_price: Money
    quantity: int

    @property
    def line_total(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass(eq=False)
class Order:
    id: str
    user_id: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    currency: Currency
    created_at: datetime
    # The payment deadline, fixed when the order is placed: a later change of the
    # configured expiry never moves it. Past it the order cannot be paid, and the
    # sweeper expires it.
    expires_at: datetime
    updated_at: datetime
    # Immutable tuples (never list.append), so a stored copy never changes underneath.
    history: tuple[StatusChange, ...]
    payment_reference: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Order) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def place(
        cls,
        id: str,
        user_id: str,
        lines: tuple[OrderLine, ...],
        currency: Currency,
        now: datetime,
        *,
        pay_within: timedelta,
    ) -> Order:
        """A new order awaiting payment until `now + pay_within`. The lines' stock must
        already be reserved."""
        if pay_within <= timedelta(0):
            raise ValueError("an order must allow some time to pay")
        if not LINES_MIN <= len(lines) <= LINES_MAX:
            raise InvalidLineCount(f"an order has {LINES_MIN}-{LINES_MAX} lines")
        if len({line.product_id for line in lines}) != len(lines):
            raise ValueError("a product appears on two lines")  # checked earlier, per line
        if any(line.unit_price.currency != currency for line in lines):
            raise CurrencyMismatch(f"every line of a {currency} order must be in {currency}")
        pending = OrderStatus.PENDING_PAYMENT
        history = (StatusChange(pending, now),)
        return cls(id, user_id, pending, lines, currency, now, now + pay_within, now, history)

    @property
    def total(self) -> Money:
        return sum((line.line_total for line in self.lines), Money.zero(self.currency))

    def can_become(self, target: OrderStatus) -> bool:
        return target in TRANSITIONS[self.status]

    def check_can_become(self, target: OrderStatus) -> None:
        """Raise InvalidTransition now, e.g. before charging for an order that is not due."""
        if not self.can_become(target):
            raise InvalidTransition(self.status.value, target.value)

    def check_payable(self, now: datetime) -> None:
        """Raise now, before charging: InvalidTransition for an order not awaiting payment,
        OrderPaymentOverdue for one past its deadline (the sweeper has not expired it yet)."""
        self.check_can_become(OrderStatus.PAID)
        if now > self.expires_at:
            raise OrderPaymentOverdue.for_order(self.id, self.expires_at)

    def pay(self, now: datetime, payment_reference: str) -> None:
        self.check_payable(now)
        self._move(OrderStatus.PAID, now)
        self.payment_reference = payment_reference

    def ship(self, now: datetime) -> Counter[str]:
        """Ship, and return the units per product that leave the shelf (no longer held)."""
        self._move(OrderStatus.SHIPPED, now)
        return self._units()

    def deliver(self, now: datetime) -> None:
        self._move(OrderStatus.DELIVERED, now)

    def cancel(self, now: datetime) -> Counter[str]:
        """Cancel, and return the units per product that go back to stock. A second cancel
        is an InvalidTransition, so the stock comes back exactly once."""
        return self._move(OrderStatus.CANCELLED, now)

    def expire(self, now: datetime) -> Counter[str]:
        """Expire an unpaid order; like cancel, returns the units to put back."""
        return self._move(OrderStatus.EXPIRED, now)

    def is_overdue(self, now: datetime) -> bool:
        """Unpaid and past its deadline (at the deadline itself, still payable): the
        sweeper may expire it."""
        return self.status is OrderStatus.PENDING_PAYMENT and self.expires_at < now

    def as_placed(self) -> Order:
        """The order as it was first recorded (lines never change): what an idempotent
        retry of the request that placed it answers."""
        return replace(
            self,
            status=self.history[0].status,
            updated_at=self.created_at,
            history=self.history[:1],
            payment_reference=None,
        )

    def _move(self, target: OrderStatus, now: datetime) -> Counter[str]:
        self.check_can_become(target)
        self.status = target
        self.updated_at = now
        self.history = (*self.history, StatusChange(target, now))
        return self._units() if target in RETURNS_STOCK else Counter()

    def _units(self) -> Counter[str]:
        units: Counter[str] = Counter()
        for line in self.lines:
            units[line.product_id] += line.quantity
        return units
