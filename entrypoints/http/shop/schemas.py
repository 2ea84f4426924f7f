"""Catalogue bodies and responses: parse and document only. The rules are the domain's,
stated here from the same constants (`documented`); money is money.py's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator
from pydantic.json_schema import SkipJsonSchema

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
Stock = Annotated[int, documented(minimum=0, maximum=STOCK_MAX), BeforeValidator(whole_number)]
Delta = Annotated[
    int,
    documented(
        minimum=-STOCK_MAX,
        maximum=STOCK_MAX,
        description=f"Units to add (or take, below 0); stock stays 0-{STOCK_MAX}.",
    ),
    BeforeValidator(whole_number),
]


class ProductCreate(StrictBody):
    sku: Sku
    name: Name
    price: Price
    stock: Stock = 0
    description: Description = ""
    active: bool = True


class ProductPatch(PatchBody):
    """Absent fields are left alone; none of them may be null. `stock` sets the count
    outright (an inventory count): POST …/stock adds to it without losing a restock."""

    sku: Sku | SkipJsonSchema[None] = None
    name: Name | SkipJsonSchema[None] = None
    description: Description | SkipJsonSchema[None] = None
    price: Price | SkipJsonSchema[None] = None
    stock: Stock | SkipJsonSchema[None] = None
    active: bool | SkipJsonSchema[None] = None


class StockChange(StrictBody):
    delta: Delta


class ProductOut(BaseModel):
    id: str
    sku: str
    name: str
    description: str
    price: Amount
    currency: str
    stock: int
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, view: ProductView) -> ProductOut:
        return cls(**fields_of(view) | {"price": amount(view.price)})
