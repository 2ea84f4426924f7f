"""Products: the catalogue's rules. Stock only moves through methods that keep it >= 0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.shared.unset import UNSET, Unset
from domain.shop.errors import InsufficientStock, InvalidStock, ShortLine, StockWouldBeNegative
from domain.shop.money import Money
from domain.shop.product_fields import (
    STOCK_MAX,
    check_active,
    check_description,
    check_price,
    check_stock,
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
    stock: int
    active: bool
    created_at: datetime
    updated_at: datetime

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
        stock: int,
        now: datetime,
        active: bool = True,
    ) -> Product:
        sku, name = clean_sku(sku), clean_name(name)
        description, price = check_description(description), check_price(price)
        return cls(id, sku, name, description, price, check_stock(stock), active, now, now)

    @property
    def search_name(self) -> str:
        """What a name search matches against, on every adapter: the case-folded name."""
        return self.name.casefold()

    def change(
        self,
        now: datetime,
        *,
        sku: str | Unset = UNSET,
        name: str | Unset = UNSET,
        description: str | Unset = UNSET,
        price: Money | Unset = UNSET,
        stock: int | Unset = UNSET,
        active: bool | Unset = UNSET,
    ) -> None:
        """A partial update (UNSET: unchanged). Every field is checked before any is set, so
        a refused change changes nothing. `stock` sets the count outright (an inventory
        count); adjust_stock is the safe way to add or take units."""
        checks: dict[str, tuple[object, Callable[[Any], object]]] = {
            "sku": (sku, clean_sku),
            "name": (name, clean_name),
            "description": (description, check_description),
            "price": (price, check_price),
            "stock": (stock, check_stock),
            "active": (active, check_active),
        }
        checked = {f: check(v) for f, (v, check) in checks.items() if not isinstance(v, Unset)}
        for field, value in checked.items():
            setattr(self, field, value)
        self.updated_at = now

    def adjust_stock(self, delta: int, now: datetime) -> None:
        """Add (restock) or take (shrinkage) units relative to what is there now, so two
        concurrent restocks both count."""
        if isinstance(delta, bool) or not isinstance(delta, int) or abs(delta) > STOCK_MAX:
            raise InvalidStock(f"delta must be an integer from -{STOCK_MAX} to {STOCK_MAX}")
        if self.stock + delta < 0:
            raise StockWouldBeNegative(self.id, delta, self.stock)
        if delta > 0 and self.stock + delta > STOCK_MAX:
            raise InvalidStock(f"stock must stay at most {STOCK_MAX}: {self.stock} now")
        self.stock += delta
        self.updated_at = now

    def deactivate(self, now: datetime) -> None:
        """Deleting is deactivating: orders keep their snapshots, new orders refuse it."""
        self.active = False
        self.updated_at = now

    def reserve(self, quantity: int, now: datetime) -> None:
        _check_units(quantity)
        if quantity > self.stock:
            raise InsufficientStock([ShortLine(self.id, quantity, self.stock)])
        self.stock -= quantity
        self.updated_at = now

    def release(self, quantity: int, now: datetime) -> None:
        """Units of a cancelled or expired order come back. Never refused, not even above
        STOCK_MAX: returning stock must not fail (STOCK_MAX bounds what an admin sets)."""
        _check_units(quantity)
        self.stock += quantity
        self.updated_at = now


def _check_units(quantity: int) -> None:
    # Order lines are checked long before stock moves: anything else here is a bug.
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"stock moves by a positive number of units, not {quantity!r}")
