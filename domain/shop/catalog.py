"""Products: the catalogue's rules. Units are counted as shops count them: `on_hand` on the
shelf, `reserved` by orders not yet shipped, cancelled or expired, and `stock` =
on_hand - reserved, what an order may take. Counts only move through methods that keep
0 <= reserved <= on_hand; every change bumps `version` (the product's ETag)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.shared.unset import UNSET, Unset
from domain.shop.errors import (
    InsufficientStock,
    InvalidStock,
    OnHandBelowReserved,
    ProductChanged,
    ShortLine,
    StockWouldBeNegative,
    StockWouldExceedMaximum,
)
from domain.shop.money import Money
from domain.shop.product_fields import (
    STOCK_MAX,
    check_active,
    check_description,
    check_on_hand,
    check_price,
    clean_name,
    clean_sku,
)


@dataclass(eq=False)
class Product:
    id: str
    sku: str
    name: str
    description: str
    price: Money
    on_hand: int  # units on the shelf: a stock-take sets it
    reserved: int  # units held by orders not yet shipped, cancelled or expired
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int = 1  # bumped by every change: a strong validator (ETag) of the product

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Product) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @classmethod
    def create(
        cls,
        id: str,
        sku: str,
        name: str,
        description: str,
        price: Money,
        on_hand: int,
        now: datetime,
        active: bool = True,
    ) -> Product:
        sku, name = clean_sku(sku), clean_name(name)
        description, price = check_description(description), check_price(price)
        return cls(id, sku, name, description, price, check_on_hand(on_hand), 0, active, now, now)

    @property
    def stock(self) -> int:
        """What an order may take: the units on the shelf that no order holds."""
        return self.on_hand - self.reserved

    @property
    def search_name(self) -> str:
        """What a name search matches against, on every adapter: the case-folded name."""
        return self.name.casefold()

    def check_version(self, expected: Collection[int] | None) -> None:
        """A write conditional on the version the caller read (HTTP If-Match): refused
        when the product has changed since. None: no condition."""
        if expected is not None and self.version not in expected:
            raise ProductChanged.since(self.id)

    def change(
        self,
        now: datetime,
        *,
        sku: str | Unset = UNSET,
        name: str | Unset = UNSET,
        description: str | Unset = UNSET,
        price: Money | Unset = UNSET,
        on_hand: int | Unset = UNSET,
        active: bool | Unset = UNSET,
    ) -> None:
        """A partial update (UNSET: unchanged). Every field is checked before any is set, so
        a refused change changes nothing. `on_hand` is a stock-take: the units counted on
        the shelf, which keeps the orders' reservations (and may not go below them);
        adjust_stock is the way to add or take units without a count."""
        checks: dict[str, tuple[object, Callable[[Any], object]]] = {
            "sku": (sku, clean_sku),
            "name": (name, clean_name),
            "description": (description, check_description),
            "price": (price, check_price),
            "on_hand": (on_hand, check_on_hand),
            "active": (active, check_active),
        }
        checked = {f: check(v) for f, (v, check) in checks.items() if not isinstance(v, Unset)}
        counted = checked.get("on_hand")
        if isinstance(counted, int) and counted < self.reserved:
            raise OnHandBelowReserved(self.id, counted, self.reserved)
        for field, value in checked.items():
            setattr(self, field, value)
        self._changed(now)

    def adjust_stock(self, delta: int, now: datetime) -> None:
        """Add (restock) or take (shrinkage) units on the shelf relative to what is there
        now, so two concurrent restocks both count. Units orders hold cannot be taken."""
        if isinstance(delta, bool) or not isinstance(delta, int) or abs(delta) > STOCK_MAX:
            raise InvalidStock(f"delta must be an integer from -{STOCK_MAX} to {STOCK_MAX}")
        if self.stock + delta < 0:
            raise StockWouldBeNegative(self.id, delta, self.stock, self.reserved)
        if delta > 0 and self.on_hand + delta > STOCK_MAX:
            raise StockWouldExceedMaximum(self.id, delta, self.on_hand, STOCK_MAX)
        self.on_hand += delta
        self._changed(now)

    def deactivate(self, now: datetime) -> None:
        """Deleting is deactivating: orders keep their snapshots, new orders refuse it."""
        self.active = False
        self._changed(now)

    def reserve(self, quantity: int, now: datetime) -> None:
        """Units an order placed now holds until it ships, is cancelled or expires."""
        _check_units(quantity)
        if quantity > self.stock:
            raise InsufficientStock([ShortLine(self.id, quantity, self.stock)])
        self.reserved += quantity
        self._changed(now)

    def release(self, quantity: int, now: datetime) -> None:
        """Units of a cancelled or expired order are no longer held: never refused (they
        are on the shelf, within on_hand)."""
        self._check_reserved(quantity)
        self.reserved -= quantity
        self._changed(now)

    def ship(self, quantity: int, now: datetime) -> None:
        """Units of a shipped order leave the shelf: taken from on_hand and reserved."""
        self._check_reserved(quantity)
        self.on_hand -= quantity
        self.reserved -= quantity
        self._changed(now)

    def _check_reserved(self, quantity: int) -> None:
        _check_units(quantity)
        if quantity > self.reserved:  # every order's units were reserved when placed
            raise ValueError(f"{quantity} units are not reserved on product {self.id!r}")

    def _changed(self, now: datetime) -> None:
        self.updated_at = now
        self.version += 1


def _check_units(quantity: int) -> None:
    # Order lines are checked long before stock moves: anything else here is a bug.
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"stock moves by a positive number of units, not {quantity!r}")
