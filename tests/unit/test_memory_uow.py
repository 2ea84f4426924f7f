from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.memory.accounts.uow import InMemoryAccountsUnitOfWork
from adapters.memory.store import MemoryStore, MemoryTables
from adapters.memory.todos import InMemoryTodosUnitOfWork
from domain.accounts.errors import UsernameTaken
from domain.accounts.model import LoginSession, RefreshToken, User, Username
from domain.shared.roles import Role
from domain.todos.model import Todo
from tests.support.clock import ManualClock


def a_user(clock: ManualClock, user_id: str = "u1", name: str = "alice") -> User:
    return User(user_id, Username(name), "hash-1", Role.USER, clock.now())


def a_todo(clock: ManualClock, todo_id: str = "t1", owner: str = "u1") -> Todo:
    return Todo.create(todo_id, owner, "task", False, None, clock.now())


def a_session(clock: ManualClock, session_id: str = "s1") -> LoginSession:
    now = clock.now()
    return LoginSession(session_id, "u1", now, now + timedelta(days=1))


def accounts(store: MemoryStore) -> MemoryTables:
    return store.of("accounts")


def todos(store: MemoryStore) -> MemoryTables:
    return store.of("todos")


async def seed(store: MemoryStore, clock: ManualClock) -> None:
    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.add(a_user(clock))
        await uow.sessions.add(a_session(clock))
        await uow.sessions.add_token(RefreshToken("rt1", "s1", clock.now()))
        await uow.commit()
    async with InMemoryTodosUnitOfWork(store).write() as uow:
        await uow.todos.add(a_todo(clock))
        await uow.commit()


async def test_committed_changes_are_seen_by_the_next_unit_of_work(
    store: MemoryStore, clock: ManualClock
) -> None:
    await seed(store, clock)

    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        user = await uow.users.get("u1")
        session = await uow.sessions.get("s1")
    async with InMemoryTodosUnitOfWork(store).write() as tx:
        todo = await tx.todos.get("u1", "t1")

    assert user is not None
    assert user.username.value == "alice"
    assert todo is not None
    assert todo.task == "task"
    assert session is not None
    assert session.is_active(clock.now())


async def test_adds_without_commit_are_rolled_back(store: MemoryStore, clock: ManualClock) -> None:
    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.add(a_user(clock))
        await uow.sessions.add(a_session(clock))
        await uow.sessions.add_token(RefreshToken("rt1", "s1", clock.now()))
    async with InMemoryTodosUnitOfWork(store).write() as tx:
        await tx.todos.add(a_todo(clock))

    assert accounts(store).table("users") == {}
    assert accounts(store).table("user_ids_by_name") == {}
    assert accounts(store).table("sessions") == {}
    assert accounts(store).table("refresh_tokens") == {}
    assert not any(todos(store).table("todos_by_owner").values())


async def test_updates_without_commit_are_rolled_back(
    store: MemoryStore, clock: ManualClock
) -> None:
    await seed(store, clock)
    clock.advance(minutes=1)
    users = accounts(store).table("users")

    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.update_password_hash("u1", "hash-2")
        await uow.sessions.revoke("s1", clock.now())
        await uow.sessions.mark_token_used("rt1", clock.now())
        assert users["u1"].password_hash == "hash-2"  # visible inside the transaction
    async with InMemoryTodosUnitOfWork(store).write() as tx:
        todo = await tx.todos.get_for_update("u1", "t1")
        assert todo is not None
        todo.change(clock.now(), task="changed", completed=True)
        await tx.todos.save(todo)
        assert todos(store).table("todos_by_owner")["u1"]["t1"].task == "changed"

    assert users["u1"].password_hash == "hash-1"
    stored = todos(store).table("todos_by_owner")["u1"]["t1"]
    assert (stored.task, stored.completed, stored.completed_at) == ("task", False, None)
    assert accounts(store).table("sessions")["s1"].revoked_at is None
    assert accounts(store).table("refresh_tokens")["rt1"].used_at is None


async def test_deletes_without_commit_are_rolled_back(
    store: MemoryStore, clock: ManualClock
) -> None:
    await seed(store, clock)
    async with InMemoryTodosUnitOfWork(store).write() as uow:
        await uow.todos.add(a_todo(clock, "t2"))
        await uow.commit()

    async with InMemoryTodosUnitOfWork(store).write() as uow:
        assert await uow.todos.delete("u1", "t1")
    async with InMemoryTodosUnitOfWork(store).write() as uow:
        assert await uow.todos.delete_all("u1") == 2

    assert set(todos(store).table("todos_by_owner")["u1"]) == {"t1", "t2"}


async def test_an_exception_rolls_back_and_releases_the_store(
    store: MemoryStore, clock: ManualClock
) -> None:
    async def fail_midway() -> None:
        async with InMemoryAccountsUnitOfWork(store).write() as uow:
            await uow.users.add(a_user(clock))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await fail_midway()

    assert accounts(store).table("users") == {}
    assert not store.lock.locked()
    # The lock was released: this does not hang.
    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.add(a_user(clock))
        await uow.commit()
    assert "u1" in accounts(store).table("users")


async def test_work_after_a_commit_is_still_rolled_back(
    store: MemoryStore, clock: ManualClock
) -> None:
    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.add(a_user(clock))
        await uow.commit()
        await uow.users.add(a_user(clock, "u2", "bob"))

    assert set(accounts(store).table("users")) == {"u1"}


async def test_a_taken_username_is_refused_by_the_repository(
    store: MemoryStore, clock: ManualClock
) -> None:
    await seed(store, clock)

    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        with pytest.raises(UsernameTaken):
            await uow.users.add(a_user(clock, "u2", "ALICE"))

    assert set(accounts(store).table("users")) == {"u1"}


async def test_entities_read_are_copies_of_the_stored_ones(
    store: MemoryStore, clock: ManualClock
) -> None:
    await seed(store, clock)

    async with InMemoryTodosUnitOfWork(store).write() as uow:
        todo = await uow.todos.get("u1", "t1")
        assert todo is not None
        todo.task = "mutated without save"
        await uow.commit()

    assert todos(store).table("todos_by_owner")["u1"]["t1"].task == "task"


async def test_a_unit_of_work_can_be_used_again(store: MemoryStore, clock: ManualClock) -> None:
    uow = InMemoryAccountsUnitOfWork(store)
    async with uow.write():
        await uow.users.add(a_user(clock))
        await uow.commit()
    async with uow.write():
        await uow.users.add(a_user(clock, "u2", "bob"))

    assert set(accounts(store).table("users")) == {"u1"}
