"""UnitOfWork contract: one transaction; leaving without commit rolls back; a read is one
snapshot and refuses writes alike on every adapter. Each context's unit of work is its own
transaction, so a test that touches two contexts opens one of each, in turn."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from application.shared.ports import ReadOnlyTransaction, UnitOfWork
from application.todos.ports import TodoQuery
from tests.contract.builders import add_todos, add_users, at, new_session, new_todo, new_user
from tests.support.storage import Uows

OWNER = "u-alice"
U = TypeVar("U", bound=UnitOfWork)


class Boom(Exception):
    pass


async def _alice_with_todo(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))
    await add_todos(uows, new_todo("t-1", OWNER, "keep me", order=1))


async def test_commit_persists(uows: Uows) -> None:
    async with uows.accounts().write() as uow:
        await uow.users.add(new_user("alice"))
        await uow.commit()
    async with uows.todos().write() as tx:
        await tx.todos.add(new_todo("t-1", OWNER))
        await tx.commit()

    async with uows.accounts().write() as uow:
        assert await uow.users.get(OWNER) is not None
    async with uows.todos().write() as tx:
        assert await tx.todos.get(OWNER, "t-1") is not None


async def test_leaving_without_commit_rolls_back_an_insert(uows: Uows) -> None:
    async with uows.accounts().write() as uow:
        await uow.users.add(new_user("alice"))
        assert await uow.users.get(OWNER) is not None  # visible inside

    async with uows.accounts().write() as uow:
        assert await uow.users.get(OWNER) is None
        assert await uow.users.get_by_username("alice") is None
        await uow.users.add(new_user("Alice", user_id="u-again"))  # the name is free again
        await uow.commit()

    async with uows.todos().write() as tx:
        await tx.todos.add(new_todo("t-1", "u-again"))
        assert await tx.todos.get("u-again", "t-1") is not None  # visible inside

    async with uows.todos().write() as tx:
        assert await tx.todos.get("u-again", "t-1") is None
        await tx.todos.add(new_todo("t-1", "u-again"))  # the id is free again
        await tx.commit()


async def test_an_error_inside_rolls_back_and_propagates(uows: Uows) -> None:
    await _alice_with_todo(uows)

    async def add_then_fail() -> None:
        async with uows.todos().write() as uow:
            await uow.todos.add(new_todo("t-2", OWNER))
            raise Boom

    with pytest.raises(Boom):
        await add_then_fail()

    async with uows.todos().write() as uow:
        assert await uow.todos.get(OWNER, "t-2") is None


async def test_leaving_without_commit_rolls_back_updates(uows: Uows) -> None:
    await _alice_with_todo(uows)
    async with uows.accounts().write() as uow:
        await uow.sessions.add(new_session("s-1", OWNER))
        await uow.commit()

    async with uows.todos().write() as tx:
        todo = await tx.todos.get_for_update(OWNER, "t-1")
        assert todo is not None
        todo.change(at(5), task="changed", order=2)
        await tx.todos.save(todo)
    async with uows.accounts().write() as uow:
        await uow.users.update_password_hash(OWNER, "other-hash")
        await uow.sessions.revoke("s-1", at(5))

    async with uows.todos().write() as tx:
        todo = await tx.todos.get(OWNER, "t-1")
    async with uows.accounts().write() as uow:
        user = await uow.users.get(OWNER)
        session = await uow.sessions.get("s-1")
    assert todo is not None
    assert (todo.task, todo.order) == ("keep me", 1)
    assert user is not None
    assert user.password_hash == "hash-of-alice"
    assert session is not None
    assert session.revoked_at is None


async def test_leaving_without_commit_rolls_back_deletes(uows: Uows) -> None:
    await _alice_with_todo(uows)
    await add_todos(uows, new_todo("t-2", OWNER))

    async with uows.todos().write() as uow:
        assert await uow.todos.delete(OWNER, "t-1") is True
    async with uows.todos().write() as uow:
        assert await uow.todos.delete_all(OWNER) == 2
        await uow.todos.add(new_todo("t-3", OWNER))  # a write after the delete, also undone

    async with uows.todos().write() as uow:
        assert await uow.todos.get(OWNER, "t-1") is not None
        assert await uow.todos.get(OWNER, "t-2") is not None
        assert await uow.todos.get(OWNER, "t-3") is None


async def test_writes_after_commit_need_another_commit(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))

    async with uows.todos().write() as uow:
        await uow.todos.add(new_todo("t-1", OWNER))
        await uow.commit()
        await uow.todos.add(new_todo("t-2", OWNER))

    async with uows.todos().write() as uow:
        assert await uow.todos.get(OWNER, "t-1") is not None
        assert await uow.todos.get(OWNER, "t-2") is None


async def test_read_only_unit_of_work_sees_committed_data(uows: Uows) -> None:
    await _alice_with_todo(uows)
    async with uows.accounts().write() as uow:
        await uow.users.update_password_hash(OWNER, "fresh-hash")
        await uow.commit()

    async with uows.accounts().read() as uow:
        user = await uow.users.get(OWNER)
    async with uows.todos().read() as tx:
        todo = await tx.todos.get(OWNER, "t-1")
    assert user is not None
    assert user.password_hash == "fresh-hash"
    assert todo is not None
    assert todo.task == "keep me"


Attempt = Callable[[Uows], Awaitable[None]]


def in_a_read(unit: Callable[[Uows], U], write: Callable[[U], Awaitable[object]]) -> Attempt:
    """`write` in a read unit of work of the context `unit` picks."""

    async def attempt(uows: Uows) -> None:
        async with unit(uows).read() as uow:
            await write(uow)

    return attempt


WRITES: dict[str, Attempt] = {
    "add a todo": in_a_read(lambda u: u.todos(), lambda uow: uow.todos.add(new_todo("t-9", OWNER))),
    "save a todo": in_a_read(
        lambda u: u.todos(), lambda uow: uow.todos.save(new_todo("t-1", OWNER, "changed"))
    ),
    "delete a todo": in_a_read(lambda u: u.todos(), lambda uow: uow.todos.delete(OWNER, "t-1")),
    "delete no todo": in_a_read(
        lambda u: u.todos(), lambda uow: uow.todos.delete(OWNER, "no-such-todo")
    ),
    "delete all todos": in_a_read(lambda u: u.todos(), lambda uow: uow.todos.delete_all(OWNER)),
    "add a user": in_a_read(lambda u: u.accounts(), lambda uow: uow.users.add(new_user("bob"))),
    "update a hash": in_a_read(
        lambda u: u.accounts(), lambda uow: uow.users.update_password_hash(OWNER, "x")
    ),
    "revoke a session": in_a_read(
        lambda u: u.accounts(), lambda uow: uow.sessions.revoke("no-such-session", at(1))
    ),
    # Locking for update is a write's first step: refused in a read too.
    "lock a todo": in_a_read(
        lambda u: u.todos(), lambda uow: uow.todos.get_for_update(OWNER, "t-1")
    ),
    "lock a refresh token": in_a_read(
        lambda u: u.accounts(), lambda uow: uow.sessions.get_token_for_update("no-such-token")
    ),
    "lock products": in_a_read(
        lambda u: u.shop(), lambda uow: uow.products.get_many_for_update(["p-1"])
    ),
    "lock an order": in_a_read(lambda u: u.shop(), lambda uow: uow.orders.get_for_update("o-1")),
    "lock a key": in_a_read(
        lambda u: u.keys(), lambda uow: uow.idempotency.get_for_update(OWNER, "k-1")
    ),
    "lock a key of the shop": in_a_read(
        lambda u: u.shop(), lambda uow: uow.idempotency.get_for_update(OWNER, "k-1")
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_a_write_in_a_read_fails_alike_and_changes_nothing(
    uows: Uows, write: Attempt
) -> None:
    await _alice_with_todo(uows)

    with pytest.raises(ReadOnlyTransaction):
        await write(uows)

    async with uows.todos().read() as tx:
        todo = await tx.todos.get(OWNER, "t-1")
        assert todo is not None
        assert todo.task == "keep me"
    async with uows.accounts().read() as uow:
        assert await uow.users.get_by_username("bob") is None


CONTEXTS: dict[str, Callable[[Uows], UnitOfWork]] = {
    "accounts": lambda u: u.accounts(),
    "todos": lambda u: u.todos(),
    "shop": lambda u: u.shop(),
    "keys": lambda u: u.keys(),
}


@pytest.mark.parametrize("unit", CONTEXTS.values(), ids=CONTEXTS.keys())
async def test_commit_in_a_read_fails_alike(uows: Uows, unit: Callable[[Uows], UnitOfWork]) -> None:
    with pytest.raises(ReadOnlyTransaction):
        async with unit(uows).read() as uow:
            await uow.commit()


async def test_a_read_sees_one_snapshot_for_all_its_statements(uows: Uows) -> None:
    """A page and its total agree even when a write commits between the two statements."""
    await _alice_with_todo(uows)
    writer_done = asyncio.Event()

    async def add_one_more() -> None:
        async with uows.todos().write() as uow:
            await uow.todos.add(new_todo("t-2", OWNER, "late"))
            await uow.commit()
        writer_done.set()

    async with uows.todos().read() as uow:
        first, first_total = await uow.todos.list(TodoQuery(OWNER, limit=10))
        writer = asyncio.create_task(add_one_more())
        # The writer either commits now (SQL: MVCC/WAL) or waits for this read (memory).
        await asyncio.wait({writer}, timeout=0.5)
        second, second_total = await uow.todos.list(TodoQuery(OWNER, limit=10))
    await writer
    assert writer_done.is_set()
    assert (first_total, second_total) == (1, 1)
    assert [t.id for t in second] == [t.id for t in first] == ["t-1"]

    async with uows.todos().read() as uow:
        assert (await uow.todos.list(TodoQuery(OWNER, limit=10)))[1] == 2


@pytest.mark.parametrize("unit", CONTEXTS.values(), ids=CONTEXTS.keys())
async def test_a_unit_of_work_must_say_read_or_write(
    uows: Uows, unit: Callable[[Uows], UnitOfWork]
) -> None:
    with pytest.raises(RuntimeError, match="read"):
        async with unit(uows):
            pass
