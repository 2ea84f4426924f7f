"""What the shop routes may reach: their use cases, and nothing else of the container."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from fastapi import Request

from application.shop.use_cases import (
    AdjustStock,
    CancelOrder,
    ChangeProduct,
    CreateProduct,
    DeactivateProduct,
    DeliverOrder,
    GetOrder,
    GetProduct,
    ListOrders,
    ListProducts,
    PayOrder,
    PlaceOrder,
    ShipOrder,
)


class ShopUseCases(Protocol):
    """Each attribute builds a fresh use case (a Factory of the container)."""

    @property
    def create_product(self) -> Callable[[], CreateProduct]: ...
    @property
    def change_product(self) -> Callable[[], ChangeProduct]: ...
    @property
    def adjust_stock(self) -> Callable[[], AdjustStock]: ...
    @property
    def deactivate_product(self) -> Callable[[], DeactivateProduct]: ...
    @property
    def get_product(self) -> Callable[[], GetProduct]: ...
    @property
    def list_products(self) -> Callable[[], ListProducts]: ...
    @property
    def place_order(self) -> Callable[[], PlaceOrder]: ...
    @property
    def pay_order(self) -> Callable[[], PayOrder]: ...
    @property
    def ship_order(self) -> Callable[[], ShipOrder]: ...
    @property
    def deliver_order(self) -> Callable[[], DeliverOrder]: ...
    @property
    def cancel_order(self) -> Callable[[], CancelOrder]: ...
    @property
    def get_order(self) -> Callable[[], GetOrder]: ...
    @property
    def list_orders(self) -> Callable[[], ListOrders]: ...


def shop_use_cases(request: Request) -> ShopUseCases:
    return cast(ShopUseCases, request.app.state.container)
