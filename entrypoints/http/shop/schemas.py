"""Catalogue bodies and responses: parse and document only. The rules are the domain's,
stated here from the same constants (`documented`); money is money.py's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from application.shared.views import fields_of
from application.shop.dto import ProductView
from domain.shop.product_fields import (
    DESCRIPTION_PATTERN,
    NAME_MAX,
    NAME_PATTERN,
    SKU_PATTERN,
    STOCK_MAX,
)
from entrypoints.http.schemas import PatchBody, StrictBody, documented, whole_number
from entrypoints.http.shop.money import Amount, Price, amount

Sku = Annotated[
    str,
    documented(pattern=SKU_PATTERN, examples=["MUG-01"], description="Unique; kept upper-case."),
]
Name = Annotated[
    str,
    documented(
        pattern=NAME_PATTERN,
        examples=["Coffee mug"],
        description=f"1-{NAME_MAX} characters once trimmed; no control characters.",
    ),
]
Description = Annotated[str, documented(pattern=DESCRIPTION_PATTERN)]
OnHand = Annotated[
    int,
    documented(
        minimum=0,
        maximum=STOCK_MAX,
        description="Units on the shelf (a stock-take); not below the units orders hold"
        " (409 on_hand_below_reserved).",
    ),
    BeforeValidator(whole_number),
]
Delta = Annotated[
    int,
    documented(
        minimum=-STOCK_MAX,
        maximum=STOCK_MAX,
        description="Units to add to on_hand (or take, below 0). A result above"
        f" {STOCK_MAX} on hand (409 stock_would_exceed_maximum) or taking units orders"
        " hold (409 stock_would_be_negative) is refused.",
    ),
    BeforeValidator(whole_number),
]


def _read_only(value: object) -> object:
    raise PydanticCustomError(
        "read_only",
        "stock is read-only: it is on_hand - reserved; send on_hand (the units on the shelf)",
    )


# `stock` in a request body: refused with a message saying what to send instead (not the
# generic "extra inputs are not permitted"), and left out of the document.
ReadOnlyStock = SkipJsonSchema[Annotated[Any, BeforeValidator(_read_only)]]


class ProductCreate(StrictBody):
    sku: Sku
    name: Name
    price: Price
    on_hand: OnHand = 0
    description: Description = ""
    active: bool = True
    stock: ReadOnlyStock = None

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"stock"})


class ProductPatch(PatchBody):
    """Absent fields are left alone; none of them may be null. `on_hand` is a stock-take:
    the units counted on the shelf, keeping what orders hold (`stock` follows). POST
    …/stock adds to it instead, without losing a concurrent restock."""

    sku: Sku | SkipJsonSchema[None] = None
    name: Name | SkipJsonSchema[None] = None
    description: Description | SkipJsonSchema[None] = None
    price: Price | SkipJsonSchema[None] = None
    on_hand: OnHand | SkipJsonSchema[None] = None
    active: bool | SkipJsonSchema[None] = None
    stock: ReadOnlyStock = None


class StockChange(StrictBody):
    delta: Delta


class ProductOut(BaseModel):
    id: str
    sku: str
    name: str
    description: str
    price: Amount
    currency: str
    stock: int = Field(description="What an order may take: on_hand - reserved (read-only).")
    on_hand: int = Field(description="Units on the shelf.")
    reserved: int = Field(description="Units held by orders not yet shipped, cancelled or expired.")
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ProductView) -> ProductOut:
        return cls(**fields_of(view) | {"price": amount(view.price)})
