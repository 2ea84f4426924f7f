"""Money: Decimal end to end, exact to each currency's minor unit, never a float."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.shop.errors import CurrencyMismatch, InvalidPrice, UnknownCurrency
from domain.shop.money import MINOR_UNITS_MAX, Currency, Money
from domain.shop.product_fields import PRICE_MAX_MINOR_UNITS, max_price, parse_price

USD, JPY, KWD = Currency.of("USD"), Currency.of("JPY"), Currency.of("KWD")


@pytest.mark.parametrize(
    ("code", "exponent"), [("USD", 2), ("EUR", 2), ("GBP", 2), ("CHF", 2), ("JPY", 0), ("KWD", 3)]
)
def test_a_currency_knows_its_minor_unit(code: str, exponent: int) -> None:
    assert Currency.of(code).exponent == exponent


@pytest.mark.parametrize("code", ["XYZ", "usd", "", "US", "USDD", "€"])
def test_an_unknown_currency_code_is_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        Currency.of(code)


def test_a_currency_cannot_be_built_with_the_wrong_exponent() -> None:
    with pytest.raises(UnknownCurrency):
        Currency("USD", 3)


@pytest.mark.parametrize(
    ("value", "currency", "text", "minor"),
    [
        ("1000.00", USD, "1000.00", 100000),
        ("5", USD, "5.00", 500),
        ("0.1", USD, "0.10", 10),
        ("0", USD, "0.00", 0),
        (Decimal("-0"), USD, "0.00", 0),  # a JSON -0 is zero, never "-0.00"
        ("007.5", USD, "7.50", 750),
        (5, USD, "5.00", 500),
        (Decimal("19.99"), USD, "19.99", 1999),
        (Decimal("1E+3"), USD, "1000.00", 100000),
        ("5", JPY, "5", 5),
        (1200, JPY, "1200", 1200),
        ("1.234", KWD, "1.234", 1234),
        ("1.2", KWD, "1.200", 1200),
    ],
)
def test_good_amounts_parse_exactly(
    value: str | int | Decimal, currency: Currency, text: str, minor: int
) -> None:
    money = Money.parse(value, currency)

    assert str(money) == text
    assert money.minor_units == minor
    assert money.currency == currency
    assert Money.from_minor_units(minor, currency) == money


@pytest.mark.parametrize(
    ("value", "currency"),
    [
        ("1.001", USD),  # more decimals than the currency has
        (Decimal("1.001"), USD),
        ("5.000", USD),  # even when the extra decimals are zeros: the rule is the text's
        ("1.5", JPY),
        ("10.0", JPY),
        (Decimal("10.0"), JPY),
        ("1.2345", KWD),
        ("-1", USD),  # negative
        ("-0", USD),  # a sign at all, as the published pattern says
        ("-0.01", USD),
        (-1, USD),
        (Decimal("-5"), USD),
        (1.5, USD),  # floats never
        (10.0, USD),
        (True, USD),  # nor booleans
        ("1e3", USD),  # nor other notations
        ("1,00", USD),
        (" 1", USD),
        ("1 ", USD),
        ("+1", USD),
        (".5", USD),
        ("5.", USD),
        ("", USD),
        ("abc", USD),
        ("١٢", USD),  # digits of other scripts
        ("NaN", USD),
        (Decimal("NaN"), USD),
        (Decimal("sNaN"), USD),
        (Decimal("Infinity"), USD),
        ("9" * 41, USD),  # too long to be an amount
        (Decimal("1E+999999999"), USD),  # too large, refused before any arithmetic
        (Decimal("1E-999999999"), USD),
        (MINOR_UNITS_MAX + 1, JPY),  # would not fit storage's 64-bit minor units
    ],
)
def test_bad_amounts_are_refused(value: object, currency: Currency) -> None:
    with pytest.raises(InvalidPrice):
        Money.parse(value, currency)  # type: ignore[arg-type]


def test_the_largest_storable_amount_is_accepted() -> None:
    assert Money.from_minor_units(MINOR_UNITS_MAX, JPY).minor_units == MINOR_UNITS_MAX


def test_money_refuses_a_float_amount_even_when_built_directly() -> None:
    with pytest.raises(InvalidPrice):
        Money(0.1, USD)  # type: ignore[arg-type]


def test_arithmetic_is_exact_where_floats_are_not() -> None:
    dime = Money.parse("0.10", USD)

    assert dime + dime + dime == Money.parse("0.30", USD)
    assert dime.times(3) == Money.parse("0.30", USD)
    assert str(Money.parse("19.99", USD).times(1000)) == "19990.00"


def test_adding_two_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.parse("1", USD) + Money.parse("1", Currency.of("EUR"))


def test_equal_amounts_are_equal_whatever_their_spelling() -> None:
    assert Money.parse("5", USD) == Money.parse("5.00", USD) == Money.parse(5, USD)
    assert Money.parse("5", USD) != Money.parse("5", Currency.of("EUR"))


@pytest.mark.parametrize(("currency", "text"), [(USD, "9999999999.99"), (JPY, "999999999999")])
def test_prices_have_a_ceiling_so_order_totals_fit_storage(currency: Currency, text: str) -> None:
    assert str(max_price(currency)) == text
    assert parse_price(text, currency).minor_units == PRICE_MAX_MINOR_UNITS
    with pytest.raises(InvalidPrice):
        parse_price(PRICE_MAX_MINOR_UNITS + 1, JPY)
    # The ceiling times the largest order still fits 64-bit minor units.
    assert PRICE_MAX_MINOR_UNITS * 1000 * 50 <= MINOR_UNITS_MAX


amount_texts = st.from_regex(r"-?[0-9]{1,6}(\.[0-9]{0,5})?", fullmatch=True) | st.text(
    alphabet="0123456789.-+e ", max_size=8
)


@settings(max_examples=600, database=None, derandomize=True, deadline=None)
@given(amount_texts, st.sampled_from([USD, JPY, KWD]))
def test_the_published_amount_pattern_is_the_parse_rule(text: str, currency: Currency) -> None:
    """Within the ceiling, a string parses exactly when the pattern the edge publishes
    matches it."""
    published = re.fullmatch(currency.amount_pattern.strip("^$"), text) is not None
    try:
        Money.parse(text, currency)
        accepted = True
    except InvalidPrice:
        accepted = False
    assert published == accepted
