"""Builders shared by the contract suites: entities made straight from the domain model.

Every test takes `uow_factory` (tests/conftest.py), so it runs on memory, SQLite and
PostgreSQL alike. Times carry microseconds so a lossy round trip would show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.accounts.model import LoginSession, RefreshToken, User, Username
from domain.shared.roles import Role
from domain.todos.model import Todo
from tests.support.storage import UowFactory

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


async def add_users(uow_factory: UowFactory, *users: User) -> None:
    """Commit users first: sessions and todos reference them by foreign key."""
    async with uow_factory().write() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def add_todos(uow_factory: UowFactory, *todos: Todo) -> None:
    async with uow_factory().write() as uow:
        for todo in todos:
            await uow.todos.add(todo)
        await uow.commit()


def assert_utc(value: datetime | None, expected: datetime | None) -> None:
    """Equal to what was stored, to the microsecond, and aware UTC."""
    assert value == expected
    if value is not None:
        assert value.utcoffset() == timedelta(0)
        assert value.microsecond == expected.microsecond  # type: ignore[union-attr]
