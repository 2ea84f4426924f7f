"""Builders shared by the contract suites: entities made straight from the domain model.

Every test takes `uows` (tests/conftest.py: each context's units of work), so it runs on
memory, SQLite and PostgreSQL alike. Times carry microseconds so a lossy round trip would show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.accounts.model import LoginSession, RefreshToken, User, Username
from domain.shared.idempotency import IdempotencyRecord
from domain.shared.roles import Role
from domain.shop.catalog import Product
from domain.shop.money import Currency, Money
from domain.shop.orders import Order, OrderLine
from domain.todos.model import Todo
from tests.support.storage import Uows

T0 = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def at(minutes: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_user(
    name: str,
    user_id: str | None = None,
    created_at: datetime = T0,
    role: Role = Role.USER,
    email: str | None = None,
) -> User:
    return User(
        id=user_id or f"u-{name.casefold()}",
        username=Username(name),
        password_hash=f"hash-of-{name}",
        role=role,
        created_at=created_at,
        email=email,
    )


def new_session(session_id: str, user_id: str, created_at: datetime = T0) -> LoginSession:
    return LoginSession(session_id, user_id, created_at, created_at + timedelta(days=30))


def new_token(token_hash: str, session_id: str, issued_at: datetime = T0) -> RefreshToken:
    return RefreshToken(token_hash, session_id, issued_at)


def new_todo(
    todo_id: str,
    owner_id: str,
    task: str = "write tests",
    order: int | None = None,
    created_at: datetime = T0,
    completed: bool = False,
) -> Todo:
    return Todo.create(todo_id, owner_id, task, completed, order, created_at)


async def add_users(uows: Uows, *users: User) -> None:
    """Commit users first: sessions, todos and orders reference them by foreign key."""
    async with uows.accounts().write() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def add_todos(uows: Uows, *todos: Todo) -> None:
    async with uows.todos().write() as uow:
        for todo in todos:
            await uow.todos.add(todo)
        await uow.commit()


def assert_utc(value: datetime | None, expected: datetime | None) -> None:
    """Equal to what was stored, to the microsecond, and aware UTC."""
    assert value == expected
    if value is not None:
        assert value.utcoffset() == timedelta(0)
        assert value.microsecond == expected.microsecond  # type: ignore[union-attr]


# --- shop ---------------------------------------------------------------------------------

USD = Currency.of("USD")


def new_product(
    product_id: str,
    name: str = "Mug",
    price: str | int | Decimal = "10.00",
    stock: int = 10,
    created_at: datetime = T0,
    active: bool = True,
    sku: str | None = None,
    currency: Currency = USD,
) -> Product:
    """SKU `SKU-<id>` unless given; a description that survives only if stored as written."""
    money = Money.parse(price, currency)
    sku = sku or f"SKU-{product_id}"
    return Product.create(
        product_id, sku, name, "Line 1\n\tline 2 ✓", money, stock, created_at, active
    )


def new_order(
    order_id: str,
    user_id: str,
    *lines: tuple[Product, int],
    created_at: datetime = T0,
    currency: Currency = USD,
    pay_within: timedelta = timedelta(minutes=30),
) -> Order:
    """An order for `lines` as (product, quantity), snapshotting each product as it is."""
    snapshots = tuple(OrderLine(p.id, p.sku, p.name, p.price, quantity) for p, quantity in lines)
    return Order.place(order_id, user_id, snapshots, currency, created_at, pay_within=pay_within)


def new_record(
    user_id: str,
    key: str,
    created_at: datetime = T0,
    fingerprint: str = "f" * 64,
    claim: str = "claim-1",
    result_id: str | None = None,
) -> IdempotencyRecord:
    return IdempotencyRecord(user_id, key, fingerprint, claim, created_at, result_id)


async def add_products(uows: Uows, *products: Product) -> None:
    async with uows.shop().write() as uow:
        for product in products:
            await uow.products.add(product)
        await uow.commit()


async def add_orders(uows: Uows, *orders: Order) -> None:
    """Orders reference their buyer and products by foreign key: add those first."""
    async with uows.shop().write() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.commit()


def assert_same_order(loaded: Order, expected: Order) -> None:
    """Every field, to the microsecond and the minor unit."""
    assert (loaded.id, loaded.user_id, loaded.status) == (
        expected.id,
        expected.user_id,
        expected.status,
    )
    assert loaded.lines == expected.lines
    assert loaded.currency == expected.currency
    assert [str(line.line_total) for line in loaded.lines] == [
        str(line.line_total) for line in expected.lines
    ]
    assert loaded.total == expected.total
    assert_utc(loaded.created_at, expected.created_at)
    assert_utc(loaded.expires_at, expected.expires_at)
    assert_utc(loaded.updated_at, expected.updated_at)
    assert loaded.history == expected.history
    for got, wanted in zip(loaded.history, expected.history, strict=True):
        assert_utc(got.at, wanted.at)
    assert loaded.payment_reference == expected.payment_reference
