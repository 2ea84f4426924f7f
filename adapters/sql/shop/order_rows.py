"""An Order as rows of three tables, and back: money as minor units in the order's
currency, statuses as their values, lines and history numbered in their order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.shop.money import Currency, Money
from domain.shop.orders import Order, OrderLine, OrderStatus, StatusChange


def order_values(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "user_id": order.user_id,
        "status": order.status.value,
        "currency": order.currency.code,
        "created_at": order.created_at,
        "expires_at": order.expires_at,
        "updated_at": order.updated_at,
        "payment_reference": order.payment_reference,
    }


def line_values(order: Order) -> list[dict[str, Any]]:
    return [
        {
            "order_id": order.id,
            "line_no": number,
            "product_id": line.product_id,
            "sku": line.sku,
            "name": line.name,
            "unit_price_minor": line.unit_price.minor_units,
            "quantity": line.quantity,
        }
        for number, line in enumerate(order.lines)
    ]


def history_values(order: Order, start: int = 0) -> list[dict[str, Any]]:
    """The status changes from the `start`-th on (those not stored yet)."""
    return [
        {"order_id": order.id, "change_no": number, "status": change.status.value, "at": change.at}
        for number, change in enumerate(order.history[start:], start)
    ]


def order_from_rows(row: Any, lines: Sequence[Any], history: Sequence[Any]) -> Order:
    currency = Currency.of(row.currency)
    return Order(
        id=row.id,
        user_id=row.user_id,
        status=OrderStatus(row.status),
        lines=tuple(
            OrderLine(
                line.product_id,
                line.sku,
                line.name,
                Money.from_minor_units(line.unit_price_minor, currency),
                line.quantity,
            )
            for line in lines
        ),
        currency=currency,
        created_at=row.created_at,
        expires_at=row.expires_at,
        updated_at=row.updated_at,
        history=tuple(StatusChange(OrderStatus(c.status), c.at) for c in history),
        payment_reference=row.payment_reference,
    )
