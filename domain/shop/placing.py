"""Placing an order: every line checked, stock reserved for all lines or for none."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from domain.shop.catalog import Product
from domain.shop.errors import (
    CurrencyMismatch,
    DuplicateOrderLine,
    InactiveProduct,
    InsufficientStock,
    InvalidLineCount,
    InvalidQuantity,
    ShortLine,
    UnknownProduct,
)
from domain.shop.money import Currency
from domain.shop.orders import LINES_MAX, LINES_MIN, QUANTITY_MAX, QUANTITY_MIN, Order, OrderLine


class LineRequest(NamedTuple):
    """One line the buyer asks for (a plain (product_id, quantity) tuple works too)."""

    product_id: str
    quantity: int


def check_line_count(lines: Sequence[object]) -> None:
    if not LINES_MIN <= len(lines) <= LINES_MAX:
        raise InvalidLineCount(f"an order has {LINES_MIN}-{LINES_MAX} lines, not {len(lines)}")


def check_line_requests(lines: Sequence[tuple[str, int]]) -> tuple[LineRequest, ...]:
    """The request's own rules, checked before any storage is touched: 1-50 lines,
    quantities 1-1000, each product at most once. Errors name the 0-based line. Product
    ids must be well-formed already (they are echoed in errors)."""
    check_line_count(lines)
    requests = tuple(LineRequest(*line) for line in lines)
    first_line: dict[str, int] = {}
    for index, (product_id, quantity) in enumerate(requests):
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidQuantity("quantity must be an integer", index, product_id)
        if not QUANTITY_MIN <= quantity <= QUANTITY_MAX:
            detail = f"quantity must be {QUANTITY_MIN}-{QUANTITY_MAX}, not {quantity}"
            raise InvalidQuantity(detail, index, product_id)
        if product_id in first_line:
            detail = f"product {product_id!r} is already on line {first_line[product_id]}"
            raise DuplicateOrderLine(detail, index, product_id)
        first_line[product_id] = index
    return requests


def place_order(
    order_id: str,
    user_id: str,
    requests: Sequence[LineRequest],
    products: Mapping[str, Product],
    currency: Currency,
    now: datetime,
    *,
    pay_within: timedelta,
) -> Order:
    """Check every line against its product (loaded for update), then reserve stock for all
    of them and snapshot name, SKU and unit price; the order is to be paid within
    `pay_within`. Refusals change no product."""
    for index, (product_id, _) in enumerate(requests):
        product = products.get(product_id)
        if product is None:
            raise UnknownProduct(f"line {index}: no product {product_id!r}", index, product_id)
        if not product.active:
            detail = f"line {index}: product {product_id!r} is no longer sold"
            raise InactiveProduct(detail, index, product_id)
        if product.price.currency != currency:
            detail = (
                f"line {index}: priced in {product.price.currency}, the shop sells in {currency}"
            )
            raise CurrencyMismatch(detail, line=index, product_id=product_id)
    short = [
        ShortLine(r.product_id, r.quantity, products[r.product_id].stock)
        for r in requests
        if r.quantity > products[r.product_id].stock
    ]
    if short:
        raise InsufficientStock(short)  # every short line, nothing reserved
    lines = []
    for product_id, quantity in requests:
        product = products[product_id]
        product.reserve(quantity, now)
        lines.append(OrderLine(product.id, product.sku, product.name, product.price, quantity))
    return Order.place(order_id, user_id, tuple(lines), currency, now, pay_within=pay_within)
