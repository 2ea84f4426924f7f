"""Money at the HTTP edge. An amount leaves as a string with exactly the currency's
decimals ("1000.00") beside `currency`; it arrives as such a string or as a JSON number
(an exact Decimal, see entrypoints/http/routing.py), never through a float. The domain (Money.parse,
parse_price) holds the rules; the document states them for the shop's one currency."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from fastapi import FastAPI
from pydantic import BeforeValidator, WithJsonSchema

from domain.shop.money import AMOUNT_TEXT_MAX, Currency
from domain.shop.product_fields import max_price

# The currency is the app's (CASEWORKS_CURRENCY), not known when these types are declared:
# they carry a marker that `publish_money_schemas` replaces in each app's document.
_MARKER = "x-caseworks-money"


def by_value(number: Any) -> Any:
    """A JSON number counts by its value, as JSON Schema's `multipleOf` reads it: 19.990 is
    19.99. Exact, unlike Decimal.normalize (which rounds to 28 digits). Strings are left to
    the domain, whose text rule counts written decimals ("19.990" has three)."""
    if not isinstance(number, Decimal) or not number.is_finite():
        return number
    if not number:
        return Decimal(0)  # 0.000 and -0e-3 alike
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    zeros = len(digits) - len(bytes(digits).rstrip(b"\0"))
    drop = min(zeros, max(0, -exponent))
    return Decimal((sign, digits[: len(digits) - drop], exponent + drop))


# Input: a str, an int or an exact Decimal; bool and float never pass (strict bodies).
Price = Annotated[
    str | int | Decimal, BeforeValidator(by_value), WithJsonSchema({_MARKER: "price"})
]
# Output: the amount's canonical text, e.g. "1000.00".
Amount = Annotated[str, WithJsonSchema({_MARKER: "amount"})]


def amount(value: Decimal) -> str:
    return format(value, "f")  # never exponent notation


def price_schema(currency: Currency) -> dict[str, Any]:
    """What parse_price takes: a string of at most the currency's decimals and at most
    the largest price's whole digits (after leading zeros), or such a JSON number."""
    top = max_price(currency).amount
    whole_digits = len(str(int(top)))
    step = Decimal(1).scaleb(-currency.exponent)
    decimals = rf"(\.[0-9]{{1,{currency.exponent}}})?" if currency.exponent else ""
    pattern = rf"^0*[0-9]{{1,{whole_digits}}}{decimals}$"
    as_number = int if currency.exponent == 0 else float  # the document is plain JSON
    example = amount(Decimal(1999).scaleb(-currency.exponent))
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": AMOUNT_TEXT_MAX},
            {
                "type": "number",
                "minimum": 0,
                "maximum": as_number(top),
                "multipleOf": as_number(step),
            },
        ],
        "description": f'{currency}: a decimal string ("{example}") or a JSON number, with'
        f" at most {currency.exponent} decimals, from 0 to {amount(top)}.",
        "examples": [example],
    }


def amount_schema(currency: Currency) -> dict[str, Any]:
    decimals = rf"\.[0-9]{{{currency.exponent}}}" if currency.exponent else ""
    example = amount(Decimal(1999).scaleb(-currency.exponent))
    return {"type": "string", "pattern": rf"^[0-9]+{decimals}$", "examples": [example]}


def publish_money_schemas(app: FastAPI, currency: Currency) -> None:
    """State this shop's currency in the app's OpenAPI document, once, when it is built."""
    schemas = {"price": price_schema(currency), "amount": amount_schema(currency)}
    build = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = build()
        if fresh:
            _replace_markers(document, lambda kind: schemas[kind])
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _replace_markers(node: Any, schema_of: Callable[[str], dict[str, Any]]) -> None:
    if isinstance(node, dict):
        kind = node.pop(_MARKER, None)
        if kind is not None:
            node.update(schema_of(kind))
        for value in node.values():
            _replace_markers(value, schema_of)
    elif isinstance(node, list):
        for value in node:
            _replace_markers(value, schema_of)
