"""Who may do what in the shop, and the steps several use cases share."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shop.ports import ShopUnitOfWork
from domain.shared.errors import Forbidden
from domain.shop.errors import OrderNotFound
from domain.shop.orders import Order


def require_admin(actor: Actor | None, action: str) -> None:
    if actor is None or not actor.is_admin:
        raise Forbidden(f"only administrators may {action}")


def sees_inactive_products(actor: Actor | None) -> bool:
    """Deactivated products are hidden (not found) from everyone but administrators."""
    return actor is not None and actor.is_admin


def may_see_order(actor: Actor, order: Order) -> bool:
    return actor.is_admin or order.user_id == actor.user_id


async def load_order(uow: ShopUnitOfWork, actor: Actor, order_id: str, lock: bool) -> Order:
    """The order if the actor may see it; otherwise OrderNotFound, never Forbidden (another
    user's order must not be revealed to exist)."""
    check_id(order_id, "order id")
    repository = uow.orders
    order = await (repository.get_for_update if lock else repository.get)(order_id)
    if order is None or not may_see_order(actor, order):
        raise OrderNotFound.with_id(order_id)
    return order


async def return_stock(uow: ShopUnitOfWork, units: Mapping[str, int], now: datetime) -> None:
    """Release units an order held, locking the products in ascending id order like
    PlaceOrder does."""
    for product in await uow.products.get_many_for_update(units.keys()):
        product.release(units[product.id], now)
        await uow.products.save(product)


async def ship_stock(uow: ShopUnitOfWork, units: Mapping[str, int], now: datetime) -> None:
    """Take a shipped order's units off the shelf (and out of the reservations), locking
    the products in ascending id order like PlaceOrder does."""
    for product in await uow.products.get_many_for_update(units.keys()):
        product.ship(units[product.id], now)
        await uow.products.save(product)
