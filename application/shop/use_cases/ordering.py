"""Placing an order: all lines or none, never more than the stock, at most once per key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from application.shared.events import NO_EVENTS, BusinessEvent, BusinessEvents
from application.shared.idempotency import Claim, IdempotencyKeys, Replay, fingerprint
from application.shared.ids import check_id, new_id
from application.shared.ports import Clock
from application.shop.dto import OrderView, PlaceOrderCommand
from application.shop.ports import ShopUnitOfWork
from domain.shared.errors import InvalidId
from domain.shop.errors import InvalidOrderLine, OrderNotFound
from domain.shop.money import Currency
from domain.shop.orders import Order
from domain.shop.placing import LineRequest, check_line_count, check_line_requests, place_order

# How long a placed order waits for payment (CASEWORKS_ORDER_EXPIRY_MINUTES).
DEFAULT_EXPIRY_MINUTES = 30


class PlaceOrder:
    """Each order gets its deadline (`expires_at`) now, from `expiry_minutes`: changing
    the setting later moves no deadline of an order already placed."""

    def __init__(
        self,
        uow: ShopUnitOfWork,
        clock: Clock,
        currency: Currency,
        expiry_minutes: int = DEFAULT_EXPIRY_MINUTES,
        events: BusinessEvents = NO_EVENTS,
    ) -> None:
        if expiry_minutes < 1:
            raise ValueError("expiry_minutes must be positive")
        self._uow = uow
        self._clock = clock
        self._currency = currency
        self._pay_within = timedelta(minutes=expiry_minutes)
        self._keys = IdempotencyKeys(uow, clock)
        self._events = events

    async def execute(self, cmd: PlaceOrderCommand) -> OrderView:
        requests = _checked_lines(cmd.lines)  # before any storage
        # The lines in the client's order: the same request, from whichever edge.
        content = [[r.product_id, r.quantity] for r in requests]
        user_id = cmd.actor.user_id

        async def place(claim: Claim | None) -> Order:
            return await self._place(user_id, requests, claim)

        placed = await self._keys.once(
            user_id, cmd.idempotency_key, fingerprint("shop.place_order", content), place
        )
        if isinstance(placed, Replay):
            return OrderView.from_order(await self._placed(placed.result_id), replayed=True)
        self._events.record(BusinessEvent.ORDER_PLACED)
        return OrderView.from_order(placed)

    async def _place(
        self, user_id: str, requests: Sequence[LineRequest], claim: Claim | None
    ) -> Order:
        async with self._uow.write() as uow:
            # Ascending id order: the order every transaction locks products in.
            ids = sorted(r.product_id for r in requests)
            products = await uow.products.get_many_for_update(ids)
            now = self._clock.now()
            by_id = {p.id: p for p in products}
            order = place_order(
                new_id(), user_id, requests, by_id, self._currency, now, pay_within=self._pay_within
            )
            for product in products:
                await uow.products.save(product)
            await uow.orders.add(order)
            if claim is not None:
                await self._keys.complete(uow, claim, order.id)
            await uow.commit()
        return order

    async def _placed(self, order_id: str) -> Order:
        """The order a completed key placed, as it was placed."""
        async with self._uow.read() as uow:
            order = await uow.orders.get(order_id)
        if order is None:  # orders are never deleted: storage lost it
            raise OrderNotFound.with_id(order_id)
        return order.as_placed()


def _checked_lines(lines: Sequence[tuple[str, int]]) -> tuple[LineRequest, ...]:
    check_line_count(lines)
    for index, line in enumerate(lines):
        try:
            check_id(line[0], "product id")
        except InvalidId as error:
            raise InvalidOrderLine(f"line {index}: {error.detail}", index, None) from None
    return check_line_requests(lines)
