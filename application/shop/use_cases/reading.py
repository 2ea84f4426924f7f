"""Reading orders: the buyer sees their own, administrators everyone's."""

from __future__ import annotations

from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.shop.dto import ListOrdersQuery, OrderView
from application.shop.ports import OrderQuery, ShopUnitOfWork
from application.shop.use_cases.access import load_order
from domain.shared.errors import Forbidden


class GetOrder:
    """Another user's order is not found (404), as if it did not exist."""

    def __init__(self, uow: ShopUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, order_id: str) -> OrderView:
        async with self._uow.read() as uow:
            order = await load_order(uow, actor, order_id, lock=False)
        return OrderView.from_order(order)


class ListOrders:
    """Newest first. A user's `user_id` filter may only name themself."""

    def __init__(self, uow: ShopUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, q: ListOrdersQuery) -> Page[OrderView]:
        check_page(q.limit, q.offset)
        user_id = q.user_id
        if user_id is not None:
            check_id(user_id, "user id")
        if not q.actor.is_admin:
            if user_id not in (None, q.actor.user_id):
                raise Forbidden("only administrators may list other users' orders")
            user_id = q.actor.user_id
        query = OrderQuery(q.limit, q.offset, user_id, q.status)
        async with self._uow.read() as uow:
            orders, total = await uow.orders.list(query)
        return Page([OrderView.from_order(o) for o in orders], total, q.limit, q.offset)
