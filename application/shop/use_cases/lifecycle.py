"""Moving orders through their states. Each move locks the order and checks the rule in
the entity; cancelling or expiring returns the stock in the same transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from application.shared.actor import Actor
from application.shared.ports import Clock
from application.shop.dto import OrderView
from application.shop.ports import PaymentGateway, ShopUnitOfWork
from application.shop.use_cases.access import (
    load_order,
    require_admin,
    return_stock,
    ship_stock,
)
from domain.shop.orders import Order, OrderStatus


class PayOrder:
    """Admins only: paying stands in for a payment provider's confirmation."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock, payments: PaymentGateway) -> None:
        self._uow = uow
        self._clock = clock
        self._payments = payments

    async def execute(self, actor: Actor, order_id: str) -> OrderView:
        async with self._uow.write() as uow:
            order = await load_order(uow, actor, order_id, lock=True)
            require_admin(actor, "mark orders paid")
            # Under the order's lock, so two payments of one order never both charge; and
            # never past the order's deadline, even if the sweeper has not expired it yet.
            now = self._clock.now()
            order.check_payable(now)
            reference = await self._payments.charge(order)
            order.pay(now, reference)
            await uow.orders.save(order)
            await uow.commit()
        return OrderView.from_order(order)


async def _admin_move(
    uow: ShopUnitOfWork,
    actor: Actor,
    order_id: str,
    action: str,
    step: Callable[[Order], None],
) -> OrderView:
    """An admin moving an order one step along (the entity checks the step is legal)."""
    async with uow.write() as tx:
        order = await load_order(tx, actor, order_id, lock=True)
        require_admin(actor, action)
        step(order)
        await tx.orders.save(order)
        await tx.commit()
    return OrderView.from_order(order)


class ShipOrder:
    """A paid order leaves the warehouse: its units leave the shelf (on_hand) and the
    reservations together, in the same transaction (the order locked first, then its
    products, as CancelOrder does)."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, order_id: str) -> OrderView:
        async with self._uow.write() as uow:
            order = await load_order(uow, actor, order_id, lock=True)
            require_admin(actor, "ship orders")
            now = self._clock.now()
            units = order.ship(now)
            await ship_stock(uow, units, now)
            await uow.orders.save(order)
            await uow.commit()
        return OrderView.from_order(order)


class DeliverOrder:
    def __init__(self, uow: ShopUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, order_id: str) -> OrderView:
        now = self._clock.now()
        action = "mark orders delivered"
        return await _admin_move(self._uow, actor, order_id, action, lambda o: o.deliver(now))


class CancelOrder:
    """The buyer (their own order) or an admin (any); a paid order is refunded."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock, payments: PaymentGateway) -> None:
        self._uow = uow
        self._clock = clock
        self._payments = payments

    async def execute(self, actor: Actor, order_id: str) -> OrderView:
        async with self._uow.write() as uow:
            order = await load_order(uow, actor, order_id, lock=True)
            was_paid = order.status is OrderStatus.PAID
            now = self._clock.now()
            units = order.cancel(now)  # a second cancel fails here: stock returns once
            await return_stock(uow, units, now)
            if was_paid:
                await self._payments.refund(order)
            await uow.orders.save(order)
            await uow.commit()
        return OrderView.from_order(order)


class ExpireOrders:
    """The sweeper: expires orders unpaid past their deadline (`expires_at`, fixed when
    each was placed) and returns their stock, one transaction per batch. Safe beside
    CancelOrder and other sweepers: each order is locked and checked again, so its stock
    comes back exactly once."""

    def __init__(self, uow: ShopUnitOfWork, clock: Clock, batch_size: int = 100) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self._uow = uow
        self._clock = clock
        self._batch_size = batch_size

    async def execute(self) -> int:
        """How many orders were expired."""
        expired = 0
        while True:
            async with self._uow.write() as uow:
                now = self._clock.now()
                ids = await uow.orders.list_expirable(now, self._batch_size)
                units: Counter[str] = Counter()
                # Orders first, by ascending id, then their products: the lock order
                # CancelOrder follows too, so the two never deadlock.
                for order_id in sorted(ids):
                    order = await uow.orders.get_for_update(order_id)
                    if order is None or not order.is_overdue(now):
                        continue  # paid or cancelled since it was listed
                    units.update(order.expire(now))
                    await uow.orders.save(order)
                    expired += 1
                await return_stock(uow, units, now)
                await uow.commit()
            if len(ids) < self._batch_size:
                return expired
