"""A product's field rules and stock arithmetic, on the entity itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.shared.errors import ErrorKind, InvalidText
from domain.shop.catalog import Product
from domain.shop.errors import (
    InsufficientStock,
    InvalidDescription,
    InvalidPrice,
    InvalidProductName,
    InvalidSku,
    InvalidStock,
    StockWouldBeNegative,
    StockWouldExceedMaximum,
)
from domain.shop.money import Currency, Money
from domain.shop.product_fields import (
    DESCRIPTION_MAX,
    NAME_MAX,
    SKU_MAX,
    STOCK_MAX,
    check_description,
    clean_name,
    clean_sku,
)

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
USD = Currency.of("USD")


def a_product(stock: int = 10, price: str = "10.00") -> Product:
    return Product.create("p1", "mug-1", "Mug", "", Money.parse(price, USD), stock, NOW)


# --- fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sku", "stored"),
    [("mug-1", "MUG-1"), ("A", "A"), ("a.b_c-D9", "A.B_C-D9"), ("x" * SKU_MAX, "X" * SKU_MAX)],
)
def test_a_sku_is_kept_in_upper_case_so_case_never_makes_two(sku: str, stored: str) -> None:
    assert clean_sku(sku) == stored


@pytest.mark.parametrize("sku", ["", "x" * (SKU_MAX + 1), "mug 1", "mug/1", "müg", "a\n", "\ud800"])
def test_a_bad_sku_is_refused(sku: str) -> None:
    with pytest.raises((InvalidSku, InvalidText)):
        clean_sku(sku)


def test_a_name_is_trimmed_and_1_to_200_characters() -> None:
    assert clean_name("  Blue mug \n") == "Blue mug"
    assert clean_name("\u3000" + "n" * NAME_MAX + " ") == "n" * NAME_MAX
    for bad in ["", "   ", "n" * (NAME_MAX + 1), "two\nlines", "tab\there", "nul\x00"]:
        with pytest.raises(InvalidProductName):
            clean_name(bad)


def test_a_description_is_kept_as_written_up_to_2000_characters() -> None:
    assert check_description("") == ""
    assert check_description("  line one\n\tline two  ") == "  line one\n\tline two  "
    assert check_description("d" * DESCRIPTION_MAX) == "d" * DESCRIPTION_MAX
    for bad in ["d" * (DESCRIPTION_MAX + 1), "bell\x07", "nul\x00"]:
        with pytest.raises(InvalidDescription):
            check_description(bad)


@pytest.mark.parametrize("stock", [-1, STOCK_MAX + 1, True, 1.0])
def test_stock_must_be_an_integer_from_0_to_the_maximum(stock: object) -> None:
    with pytest.raises(InvalidStock):
        Product.create("p1", "S", "N", "", Money.parse("1", USD), stock, NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("stock", [0, STOCK_MAX])
def test_stock_edge_values_are_accepted(stock: int) -> None:
    assert a_product(stock=stock).stock == stock


def test_a_price_above_the_ceiling_is_refused() -> None:
    with pytest.raises(InvalidPrice):
        a_product(price="10000000000.00")


# --- changes and stock --------------------------------------------------------------------


def test_change_applies_only_the_given_fields() -> None:
    product = a_product()

    product.change(LATER, name=" Big mug ", price=Money.parse("12.50", USD))

    assert (product.name, str(product.price), product.sku, product.stock) == (
        "Big mug",
        "12.50",
        "MUG-1",
        10,
    )
    assert product.updated_at == LATER


def test_a_refused_change_changes_nothing() -> None:
    product = a_product()

    with pytest.raises(InvalidStock):
        product.change(LATER, name="Renamed", sku="new-sku", on_hand=-1)

    assert (product.name, product.sku, product.stock, product.updated_at) == (
        "Mug",
        "MUG-1",
        10,
        NOW,
    )


def test_adjusting_stock_adds_and_takes_units() -> None:
    product = a_product(stock=10)

    product.adjust_stock(5, LATER)
    product.adjust_stock(-15, LATER)

    assert product.stock == 0
    assert product.updated_at == LATER


def test_stock_never_goes_below_zero_and_the_error_names_what_is_available() -> None:
    product = a_product(stock=3)

    with pytest.raises(StockWouldBeNegative) as caught:
        product.adjust_stock(-4, LATER)

    assert caught.value.extra == {"product_id": "p1", "delta": -4, "available": 3, "reserved": 0}
    assert product.stock == 3


@pytest.mark.parametrize("delta", [STOCK_MAX + 1, -(STOCK_MAX + 1), True, 1.5])
def test_a_delta_outside_the_range_is_refused(delta: object) -> None:
    with pytest.raises(InvalidStock):
        a_product().adjust_stock(delta, LATER)  # type: ignore[arg-type]


def test_restocking_past_the_maximum_is_a_conflict_like_going_below_zero() -> None:
    product = a_product(stock=STOCK_MAX - 1)
    product.adjust_stock(1, LATER)

    with pytest.raises(StockWouldExceedMaximum) as caught:
        product.adjust_stock(1, LATER)

    # Both limits depend on the units there now: the same kind (409), distinct codes.
    assert caught.value.kind is StockWouldBeNegative.kind is ErrorKind.CONFLICT
    assert caught.value.code == "stock_would_exceed_maximum"
    assert caught.value.extra == {
        "product_id": "p1",
        "delta": 1,
        "on_hand": STOCK_MAX,
        "maximum": STOCK_MAX,
    }
    assert product.stock == STOCK_MAX


def test_reserving_more_than_the_stock_is_refused_and_reserves_nothing() -> None:
    product = a_product(stock=2)

    with pytest.raises(InsufficientStock) as caught:
        product.reserve(3, LATER)

    assert caught.value.extra["lines"] == [{"product_id": "p1", "requested": 3, "available": 2}]
    assert product.stock == 2


def test_reserve_and_release_move_stock_both_ways() -> None:
    product = a_product(stock=2)

    product.reserve(2, LATER)
    assert product.stock == 0
    product.release(2, LATER)
    assert product.stock == 2


@pytest.mark.parametrize("units", [0, -1])
def test_stock_moves_by_positive_units_only(units: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        a_product().reserve(units, LATER)
    with pytest.raises(ValueError, match="positive"):
        a_product().release(units, LATER)
    with pytest.raises(ValueError, match="positive"):
        a_product().ship(units, LATER)
