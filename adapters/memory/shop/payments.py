"""A payment provider that lives in memory: approves every charge (unless told to
decline, for tests), idempotent per order id like a real provider's idempotency key."""

from __future__ import annotations

import secrets

from application.shop.ports import PaymentGateway
from domain.shop.errors import PaymentDeclined
from domain.shop.orders import Order


class InMemoryPaymentGateway(PaymentGateway):
    def __init__(self, declines: bool = False) -> None:
        self.declines = declines
        self.charges: dict[str, str] = {}  # order id -> payment reference
        self.refunds: set[str] = set()  # order ids

    async def charge(self, order: Order) -> str:
        if self.declines:
            raise PaymentDeclined(f"the payment for order {order.id!r} was declined")
        return self.charges.setdefault(order.id, f"pay_{secrets.token_hex(12)}")

    async def refund(self, order: Order) -> None:
        self.refunds.add(order.id)
