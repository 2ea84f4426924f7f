"""A product's units: on hand, reserved by orders, and the stock orders may take; its version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from domain.shared.errors import ErrorKind
from domain.shop.catalog import Product
from domain.shop.errors import (
    OnHandBelowReserved,
    ProductChanged,
    StockWouldBeNegative,
)
from domain.shop.money import Currency, Money

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
USD = Currency.of("USD")


def a_product(stock: int = 10, price: str = "10.00") -> Product:
    return Product.create("p1", "mug-1", "Mug", "", Money.parse(price, USD), stock, NOW)


# --- on hand, reserved, stock -------------------------------------------------------------


def counts(product: Product) -> tuple[int, int, int]:
    return product.on_hand, product.reserved, product.stock


def test_a_new_product_has_everything_on_hand_available() -> None:
    assert counts(a_product(stock=7)) == (7, 0, 7)


def test_orders_hold_units_on_the_shelf_until_they_ship() -> None:
    product = a_product(stock=10)

    product.reserve(3, LATER)  # placed
    assert counts(product) == (10, 3, 7)
    product.reserve(2, LATER)
    product.release(2, LATER)  # cancelled or expired
    assert counts(product) == (10, 3, 7)
    product.ship(3, LATER)  # the units leave the shelf
    assert counts(product) == (7, 0, 7)


def test_a_stock_take_sets_on_hand_and_keeps_the_reservations() -> None:
    product = a_product(stock=10)
    product.reserve(3, LATER)

    product.change(LATER, on_hand=8)  # the shelf holds 8: 3 of them are the order's

    assert counts(product) == (8, 3, 5)


def test_a_stock_take_below_the_reserved_units_is_refused() -> None:
    product = a_product(stock=10)
    product.reserve(3, LATER)
    version = product.version

    with pytest.raises(OnHandBelowReserved) as caught:
        product.change(LATER, name="Renamed", on_hand=2)

    assert caught.value.kind is ErrorKind.CONFLICT
    assert caught.value.extra == {"product_id": "p1", "on_hand": 2, "reserved": 3}
    assert (counts(product), product.name, product.version) == ((10, 3, 7), "Mug", version)
    product.change(LATER, on_hand=3)  # exactly what orders hold: nothing available
    assert counts(product) == (3, 3, 0)


def test_units_orders_hold_cannot_be_written_off() -> None:
    product = a_product(stock=5)
    product.reserve(4, LATER)

    with pytest.raises(StockWouldBeNegative) as caught:
        product.adjust_stock(-2, LATER)

    assert caught.value.extra == {"product_id": "p1", "delta": -2, "available": 1, "reserved": 4}
    product.adjust_stock(-1, LATER)
    assert counts(product) == (4, 4, 0)


def test_releasing_or_shipping_units_no_order_holds_is_a_bug() -> None:
    product = a_product(stock=5)
    product.reserve(2, LATER)

    for move in (product.release, product.ship):
        with pytest.raises(ValueError, match="not reserved"):
            move(3, LATER)
    assert counts(product) == (5, 2, 3)


def test_every_change_bumps_the_version() -> None:
    product = a_product()
    versions = [product.version]
    changes: list[Callable[[], None]] = [
        lambda: product.change(LATER, name="Cup"),
        lambda: product.adjust_stock(1, LATER),
        lambda: product.reserve(1, LATER),
        lambda: product.release(1, LATER),
        lambda: product.reserve(1, LATER),
        lambda: product.ship(1, LATER),
        lambda: product.deactivate(LATER),
    ]
    for change in changes:
        change()
        versions.append(product.version)

    assert versions == list(range(1, 9))


def test_a_change_conditional_on_another_version_is_refused() -> None:
    product = a_product()
    product.check_version(None)  # no condition
    product.check_version({1, 5})

    product.change(LATER, name="Cup")
    with pytest.raises(ProductChanged) as caught:
        product.check_version({1})

    assert (caught.value.kind, caught.value.code) == (
        ErrorKind.PRECONDITION_FAILED,
        "precondition_failed",
    )
    product.check_version({2})


def test_deactivating_keeps_the_product() -> None:
    product = a_product()

    product.deactivate(LATER)

    assert not product.active
    assert product.updated_at == LATER
