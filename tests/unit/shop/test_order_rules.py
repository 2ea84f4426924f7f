"""The order entity: its state machine, its lines and what placing checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import product as pairs

import pytest

from domain.shared.errors import ErrorKind
from domain.shop.catalog import Product
from domain.shop.errors import (
    CurrencyMismatch,
    DuplicateOrderLine,
    InactiveProduct,
    InsufficientStock,
    InvalidLineCount,
    InvalidQuantity,
    InvalidTransition,
    OrderPaymentOverdue,
    UnknownProduct,
)
from domain.shop.money import Currency, Money
from domain.shop.orders import LINES_MAX, QUANTITY_MAX, Order, OrderLine, OrderStatus
from domain.shop.placing import check_line_requests, place_order

S = OrderStatus
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)
PAY_WITHIN = timedelta(minutes=30)
DEADLINE = NOW + PAY_WITHIN
USD = Currency.of("USD")

LEGAL = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PENDING_PAYMENT, S.EXPIRED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.CANCELLED),
    (S.SHIPPED, S.DELIVERED),
}
# How to get an order into each state, from pending_payment.
PATH = {
    S.PENDING_PAYMENT: [],
    S.PAID: [S.PAID],
    S.SHIPPED: [S.PAID, S.SHIPPED],
    S.DELIVERED: [S.PAID, S.SHIPPED, S.DELIVERED],
    S.CANCELLED: [S.CANCELLED],
    S.EXPIRED: [S.EXPIRED],
}


def move(order: Order, target: OrderStatus, now: datetime = LATER) -> object:
    moves: dict[OrderStatus, Callable[[], object]] = {
        S.PAID: lambda: order.pay(now, "ref-1"),
        S.SHIPPED: lambda: order.ship(now),
        S.DELIVERED: lambda: order.deliver(now),
        S.CANCELLED: lambda: order.cancel(now),
        S.EXPIRED: lambda: order.expire(now),
    }
    return moves[target]()


def a_line(product_id: str = "p1", quantity: int = 2, price: str = "10.00") -> OrderLine:
    return OrderLine(
        product_id, product_id.upper(), f"Product {product_id}", Money.parse(price, USD), quantity
    )


def an_order(*lines: OrderLine) -> Order:
    return Order.place("o1", "u1", lines or (a_line(),), USD, NOW, pay_within=PAY_WITHIN)


def order_in(status: OrderStatus) -> Order:
    order = an_order()
    for step in PATH[status]:
        move(order, step)
    return order


@pytest.mark.parametrize(
    ("source", "target"), list(pairs(S, [s for s in S if s is not S.PENDING_PAYMENT]))
)
def test_every_transition_is_legal_or_refused_by_the_table(
    source: OrderStatus, target: OrderStatus
) -> None:
    order = order_in(source)
    history = order.history

    if (source, target) in LEGAL:
        move(order, target)
        assert order.status is target
        assert order.history == (*history, order.history[-1])
        assert (order.history[-1].status, order.history[-1].at) == (target, LATER)
    else:
        with pytest.raises(InvalidTransition) as caught:
            move(order, target)
        assert caught.value.code == "invalid_transition"
        assert caught.value.extra == {"order_status": source.value, "target": target.value}
        assert order.status is source
        assert order.history == history


def test_a_new_order_is_pending_payment_with_one_history_entry() -> None:
    order = an_order(a_line("p1", 2, "10.00"), a_line("p2", 3, "0.10"))

    assert order.status is S.PENDING_PAYMENT
    assert [(h.status, h.at) for h in order.history] == [(S.PENDING_PAYMENT, NOW)]
    assert str(order.lines[1].line_total) == "0.30"
    assert str(order.total) == "20.30"
    assert order.created_at == order.updated_at == NOW


def test_the_full_happy_path_records_every_step() -> None:
    order = an_order()
    for step in (S.PAID, S.SHIPPED, S.DELIVERED):
        move(order, step)

    assert [h.status for h in order.history] == [S.PENDING_PAYMENT, S.PAID, S.SHIPPED, S.DELIVERED]
    assert order.payment_reference == "ref-1"
    assert order.updated_at == LATER


@pytest.mark.parametrize("finish", [S.CANCELLED, S.EXPIRED])
def test_cancel_and_expire_hand_back_the_units_exactly_once(finish: OrderStatus) -> None:
    order = an_order(a_line("p1", 2), a_line("p2", 5))

    assert move(order, finish) == {"p1": 2, "p2": 5}
    with pytest.raises(InvalidTransition):
        move(order, S.CANCELLED)
    with pytest.raises(InvalidTransition):
        move(order, S.EXPIRED)


def test_other_moves_hand_back_nothing() -> None:
    order = an_order()
    order.pay(LATER, "ref")
    assert order.cancel(LATER) == {"p1": 2}  # cancelling a paid order returns stock too


def test_an_order_as_placed_is_what_its_first_response_showed() -> None:
    order = an_order()
    order.pay(LATER, "ref")
    order.ship(LATER)

    first = order.as_placed()

    assert (first.status, first.updated_at, first.payment_reference) == (
        S.PENDING_PAYMENT,
        NOW,
        None,
    )
    assert first.history == order.history[:1]
    assert (first.lines, first.total) == (order.lines, order.total)
    assert order.status is S.SHIPPED  # the order itself is untouched


def test_an_order_is_due_within_its_payment_window() -> None:
    order = an_order()
    assert order.expires_at == DEADLINE
    assert order.as_placed().expires_at == DEADLINE


def test_only_unpaid_orders_past_their_deadline_are_overdue() -> None:
    order = an_order()
    assert order.is_overdue(DEADLINE + timedelta(microseconds=1))
    assert not order.is_overdue(DEADLINE)  # exactly at the deadline: not yet
    order.pay(LATER, "ref")
    assert not order.is_overdue(NOW + timedelta(days=1))


def test_an_order_past_its_deadline_cannot_be_paid() -> None:
    order = an_order()
    order.pay(DEADLINE, "ref")  # at the deadline itself: still in time
    late = an_order()

    with pytest.raises(OrderPaymentOverdue) as caught:
        late.pay(DEADLINE + timedelta(microseconds=1), "ref")

    assert caught.value.code == "order_payment_overdue"
    assert caught.value.kind is ErrorKind.CONFLICT
    assert (late.status, late.payment_reference, len(late.history)) == (S.PENDING_PAYMENT, None, 1)
    assert order.status is S.PAID
    # Not paying it is a state rule first: an expired order is an invalid transition.
    late.expire(DEADLINE + timedelta(minutes=1))
    with pytest.raises(InvalidTransition):
        late.check_payable(DEADLINE + timedelta(minutes=1))


@pytest.mark.parametrize("pay_within", [timedelta(0), timedelta(minutes=-1)])
def test_an_order_needs_time_to_be_paid(pay_within: timedelta) -> None:
    with pytest.raises(ValueError, match="time to pay"):
        Order.place("o1", "u1", (a_line(),), USD, NOW, pay_within=pay_within)


@pytest.mark.parametrize("count", [0, LINES_MAX + 1])
def test_an_order_has_1_to_50_lines(count: int) -> None:
    with pytest.raises(InvalidLineCount):
        check_line_requests([(f"p{i}", 1) for i in range(count)])


def test_50_lines_of_1000_units_are_accepted() -> None:
    lines = [(f"p{i}", QUANTITY_MAX) for i in range(LINES_MAX)]
    assert len(check_line_requests(lines)) == LINES_MAX


@pytest.mark.parametrize("quantity", [0, -1, QUANTITY_MAX + 1, True, 1.0, "1"])
def test_a_quantity_outside_1_to_1000_names_its_line(quantity: object) -> None:
    with pytest.raises(InvalidQuantity) as caught:
        check_line_requests([("p1", 1), ("p2", quantity)])  # type: ignore[list-item]

    assert caught.value.extra == {"line": 1, "product_id": "p2"}


def test_a_product_may_appear_on_one_line_only() -> None:
    with pytest.raises(DuplicateOrderLine) as caught:
        check_line_requests([("p1", 1), ("p2", 1), ("p1", 3)])

    assert caught.value.extra == {"line": 2, "product_id": "p1"}


def test_an_order_refuses_lines_in_another_currency() -> None:
    eur_line = OrderLine("p1", "P1", "P", Money.parse("1", Currency.of("EUR")), 1)
    with pytest.raises(CurrencyMismatch):
        Order.place("o1", "u1", (eur_line,), USD, NOW, pay_within=PAY_WITHIN)


# --- place_order: the domain service ------------------------------------------------------


def products(*specs: tuple[str, int, bool]) -> dict[str, Product]:
    made = {}
    for product_id, stock, active in specs:
        made[product_id] = Product.create(
            product_id,
            product_id,
            f"Name {product_id}",
            "",
            Money.parse("2.50", USD),
            stock,
            NOW,
            active,
        )
    return made


def test_placing_reserves_every_line_and_snapshots_it() -> None:
    catalogue = products(("p1", 5, True), ("p2", 5, True))
    requests = check_line_requests([("p2", 2), ("p1", 5)])

    order = place_order("o1", "u1", requests, catalogue, USD, LATER, pay_within=PAY_WITHIN)

    snapshot = [
        (li.product_id, li.sku, li.name, str(li.unit_price), li.quantity) for li in order.lines
    ]
    assert snapshot == [
        ("p2", "P2", "Name p2", "2.50", 2),
        ("p1", "P1", "Name p1", "2.50", 5),
    ]
    assert str(order.total) == "17.50"
    assert (catalogue["p1"].stock, catalogue["p2"].stock) == (0, 3)


def test_placing_lists_every_short_line_and_reserves_nothing() -> None:
    catalogue = products(("p1", 1, True), ("p2", 9, True), ("p3", 0, True))
    requests = check_line_requests([("p1", 2), ("p2", 3), ("p3", 1)])

    with pytest.raises(InsufficientStock) as caught:
        place_order("o1", "u1", requests, catalogue, USD, LATER, pay_within=PAY_WITHIN)

    assert caught.value.extra["lines"] == [
        {"product_id": "p1", "requested": 2, "available": 1},
        {"product_id": "p3", "requested": 1, "available": 0},
    ]
    assert [p.stock for p in catalogue.values()] == [1, 9, 0]


def test_placing_names_an_unknown_or_inactive_product_by_line() -> None:
    catalogue = products(("p1", 5, True), ("p2", 5, False))

    requests = check_line_requests([("p1", 1), ("nope", 1)])
    with pytest.raises(UnknownProduct) as unknown:
        place_order("o1", "u1", requests, catalogue, USD, LATER, pay_within=PAY_WITHIN)
    with pytest.raises(InactiveProduct) as inactive:
        place_order(
            "o1",
            "u1",
            check_line_requests([("p2", 1)]),
            catalogue,
            USD,
            LATER,
            pay_within=PAY_WITHIN,
        )

    assert unknown.value.extra == {"line": 1, "product_id": "nope"}
    assert inactive.value.extra == {"line": 0, "product_id": "p2"}
    assert catalogue["p1"].stock == 5


def test_placing_refuses_a_product_priced_in_another_currency() -> None:
    catalogue = products(("p1", 5, True))

    with pytest.raises(CurrencyMismatch):
        place_order(
            "o1",
            "u1",
            check_line_requests([("p1", 1)]),
            catalogue,
            Currency.of("EUR"),
            LATER,
            pay_within=PAY_WITHIN,
        )
    assert catalogue["p1"].stock == 5
