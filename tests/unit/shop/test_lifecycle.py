"""Paying, shipping, delivering and cancelling orders, through the use cases."""

from __future__ import annotations

import pytest

from application.shared.actor import Actor
from domain.shared.errors import Forbidden
from domain.shop.errors import InvalidTransition, OrderNotFound, PaymentDeclined
from domain.shop.orders import OrderStatus
from tests.unit.shop.shop_helpers import ADMIN, ALICE, BOB, Shop

S = OrderStatus


async def an_order(shop: Shop, stock: int = 10, quantity: int = 2) -> tuple[str, str]:
    """(product id, order id): ALICE's pending order."""
    product = await shop.add_product(stock=stock)
    order = await shop.place(ALICE, (product.id, quantity))
    return product.id, order.id


async def test_an_admin_moves_an_order_through_every_state(shop: Shop) -> None:
    _, order_id = await an_order(shop)

    shop.clock.advance(minutes=1)
    paid = await shop.pay(ADMIN, order_id)
    shop.clock.advance(minutes=1)
    await shop.ship(ADMIN, order_id)
    shop.clock.advance(minutes=1)
    delivered = await shop.deliver(ADMIN, order_id)

    assert paid.payment_reference == shop.payments.charges[order_id]
    assert [h.status for h in delivered.history] == [
        S.PENDING_PAYMENT,
        S.PAID,
        S.SHIPPED,
        S.DELIVERED,
    ]
    assert delivered.updated_at == delivered.history[-1].at == shop.clock.now()
    assert await shop.get_order(ALICE, order_id) == delivered


async def test_the_buyer_may_not_pay_ship_or_deliver_their_own_order(shop: Shop) -> None:
    _, order_id = await an_order(shop)

    for move in (shop.pay, shop.ship, shop.deliver):
        with pytest.raises(Forbidden):
            await move(ALICE, order_id)

    assert (await shop.get_order(ALICE, order_id)).status is S.PENDING_PAYMENT
    assert shop.payments.charges == {}


@pytest.mark.parametrize("move", ["pay", "ship", "deliver", "cancel"])
async def test_another_users_order_is_not_found_for_every_move(shop: Shop, move: str) -> None:
    _, order_id = await an_order(shop)

    with pytest.raises(OrderNotFound):
        await getattr(shop, move)(BOB, order_id)


@pytest.mark.parametrize("move", ["pay", "ship", "deliver", "cancel"])
async def test_an_unknown_order_is_not_found(shop: Shop, move: str) -> None:
    with pytest.raises(OrderNotFound):
        await getattr(shop, move)(ADMIN, "no-such-order")


async def test_an_illegal_move_is_a_conflict_and_changes_nothing(shop: Shop) -> None:
    _, order_id = await an_order(shop)

    with pytest.raises(InvalidTransition) as caught:
        await shop.ship(ADMIN, order_id)

    assert (caught.value.code, caught.value.kind.value) == ("invalid_transition", "conflict")
    assert (await shop.get_order(ADMIN, order_id)).status is S.PENDING_PAYMENT


async def test_an_order_is_charged_once(shop: Shop) -> None:
    _, order_id = await an_order(shop)
    paid = await shop.pay(ADMIN, order_id)

    with pytest.raises(InvalidTransition):
        await shop.pay(ADMIN, order_id)

    assert shop.payments.charges == {order_id: paid.payment_reference}


async def test_a_cancelled_order_is_never_charged(shop: Shop) -> None:
    _, order_id = await an_order(shop)
    await shop.cancel(ALICE, order_id)

    with pytest.raises(InvalidTransition):
        await shop.pay(ADMIN, order_id)

    assert shop.payments.charges == {}


async def test_a_declined_payment_leaves_the_order_unpaid(shop: Shop) -> None:
    _, order_id = await an_order(shop)
    shop.payments.declines = True

    with pytest.raises(PaymentDeclined):
        await shop.pay(ADMIN, order_id)

    assert (await shop.get_order(ADMIN, order_id)).status is S.PENDING_PAYMENT


@pytest.mark.parametrize("canceller", [ALICE, ADMIN])
async def test_cancelling_returns_the_stock_once(shop: Shop, canceller: Actor) -> None:
    product_id, order_id = await an_order(shop, stock=10, quantity=4)
    assert shop.stock(product_id) == 6

    cancelled = await shop.cancel(canceller, order_id)
    with pytest.raises(InvalidTransition):
        await shop.cancel(canceller, order_id)

    assert cancelled.status is S.CANCELLED
    assert shop.stock(product_id) == 10


async def test_cancelling_a_multi_line_order_returns_every_line(shop: Shop) -> None:
    a = await shop.add_product("a", stock=5)
    b = await shop.add_product("b", stock=5)
    order = await shop.place(ALICE, (b.id, 2), (a.id, 5))

    await shop.cancel(ALICE, order.id)

    assert (shop.stock(a.id), shop.stock(b.id)) == (5, 5)


async def test_cancelling_a_paid_order_refunds_it_and_returns_the_stock(shop: Shop) -> None:
    product_id, order_id = await an_order(shop, stock=3, quantity=3)
    await shop.pay(ADMIN, order_id)

    await shop.cancel(ALICE, order_id)

    assert shop.payments.refunds == {order_id}
    assert shop.stock(product_id) == 3


async def test_a_pending_order_is_cancelled_without_a_refund(shop: Shop) -> None:
    _, order_id = await an_order(shop)
    await shop.cancel(ALICE, order_id)
    assert shop.payments.refunds == set()


@pytest.mark.parametrize("reached", [S.SHIPPED, S.DELIVERED])
async def test_a_shipped_order_can_no_longer_be_cancelled(shop: Shop, reached: OrderStatus) -> None:
    product_id, order_id = await an_order(shop, stock=10, quantity=2)
    await shop.pay(ADMIN, order_id)
    await shop.ship(ADMIN, order_id)
    if reached is S.DELIVERED:
        await shop.deliver(ADMIN, order_id)

    with pytest.raises(InvalidTransition):
        await shop.cancel(ADMIN, order_id)

    assert shop.stock(product_id) == 8


async def test_stock_returns_to_a_product_deactivated_meanwhile(shop: Shop) -> None:
    product_id, order_id = await an_order(shop, stock=5, quantity=5)
    await shop.deactivate(ADMIN, product_id)

    await shop.cancel(ALICE, order_id)

    assert shop.stock(product_id) == 5
