"""Shop use cases, one class each, grouped by theme (see README: Layout)."""

from application.shop.use_cases.browsing import GetProduct, ListProducts
from application.shop.use_cases.catalog import (
    AdjustStock,
    ChangeProduct,
    CreateProduct,
    DeactivateProduct,
)
from application.shop.use_cases.idempotency import ForgetIdempotencyKeys
from application.shop.use_cases.lifecycle import (
    CancelOrder,
    DeliverOrder,
    ExpireOrders,
    PayOrder,
    ShipOrder,
)
from application.shop.use_cases.ordering import PlaceOrder
from application.shop.use_cases.reading import GetOrder, ListOrders

__all__ = [
    "AdjustStock",
    "CancelOrder",
    "ChangeProduct",
    "CreateProduct",
    "DeactivateProduct",
    "DeliverOrder",
    "ExpireOrders",
    "ForgetIdempotencyKeys",
    "GetOrder",
    "GetProduct",
    "ListOrders",
    "ListProducts",
    "PayOrder",
    "PlaceOrder",
    "ShipOrder",
]
