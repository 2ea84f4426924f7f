"""Order bodies and responses: parse and document only (the rules are the domain's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, Field

from application.shared.ids import ID_PATTERN
from application.shared.views import fields_of
from application.shop.dto import OrderLineView, OrderView
from domain.shop.orders import LINES_MAX, LINES_MIN, QUANTITY_MAX, QUANTITY_MIN, OrderStatus
from entrypoints.http.schemas import StrictBody, documented, whole_number
from entrypoints.http.shop.money import Amount, amount


class OrderLineIn(StrictBody):
    # Which ids exist is no schema's to say: the domain names the line it refuses.
    product_id: Annotated[
        str,
        documented(
            pattern=ID_PATTERN,
            description="An active product's id (else 422 unknown_product or inactive_product,"
            " naming the line).",
        ),
    ]
    quantity: Annotated[
        int, documented(minimum=QUANTITY_MIN, maximum=QUANTITY_MAX), BeforeValidator(whole_number)
    ]


class OrderCreate(StrictBody):
    lines: Annotated[
        list[OrderLineIn],
        documented(
            minItems=LINES_MIN,
            maxItems=LINES_MAX,
            description="Each product at most once (a repeated one: 422 duplicate_order_line).",
        ),
    ]


class OrderLineOut(BaseModel):
    """What was bought, as it was when the order was placed."""

    product_id: str
    sku: str
    name: str
    unit_price: Amount
    quantity: int
    line_total: Amount

    @classmethod
    def of(cls, line: OrderLineView) -> OrderLineOut:
        prices = {"unit_price": amount(line.unit_price), "line_total": amount(line.line_total)}
        return cls(**fields_of(line) | prices)


class StatusChangeOut(BaseModel):
    status: OrderStatus
    at: datetime


class OrderOut(BaseModel):
    id: str
    user_id: str
    status: OrderStatus
    lines: list[OrderLineOut]
    total: Amount
    currency: str
    created_at: datetime
    expires_at: datetime = Field(
        description="The payment deadline, set when the order is placed: an order still"
        " unpaid after it cannot be paid (409 order_payment_overdue) and expires."
    )
    updated_at: datetime
    history: list[StatusChangeOut]

    @classmethod
    def of(cls, view: OrderView) -> OrderOut:
        return cls(
            id=view.id,
            user_id=view.user_id,
            status=view.status,
            lines=[OrderLineOut.of(line) for line in view.lines],
            total=amount(view.total),
            currency=view.currency,
            created_at=view.created_at,
            expires_at=view.expires_at,
            updated_at=view.updated_at,
            history=[StatusChangeOut(status=c.status, at=c.at) for c in view.history],
        )
