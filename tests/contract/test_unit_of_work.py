"""UnitOfWork contract: one transaction; leaving without commit rolls back."""

from __future__ import annotations

import pytest

from tests.contract.builders import add_todos, add_users, at, new_session, new_todo, new_user
from tests.support.storage import UowFactory

OWNER = "u-alice"


class Boom(Exception):
    pass


async def _alice_with_todo(uow_factory: UowFactory) -> None:
    await add_users(uow_factory, new_user("alice"))
    await add_todos(uow_factory, new_todo("t-1", OWNER, "keep me", order=1))


async def test_commit_persists(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.users.add(new_user("alice"))
        await uow.todos.add(new_todo("t-1", OWNER))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(OWNER) is not None
        assert await uow.todos.get(OWNER, "t-1") is not None


async def test_leaving_without_commit_rolls_back_an_insert(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.users.add(new_user("alice"))
        await uow.todos.add(new_todo("t-1", OWNER))
        assert await uow.todos.get(OWNER, "t-1") is not None  # visible inside

    async with uow_factory() as uow:
        assert await uow.users.get(OWNER) is None
        assert await uow.users.get_by_username("alice") is None
        assert await uow.todos.get(OWNER, "t-1") is None
        await uow.users.add(new_user("Alice", user_id="u-again"))  # the name is free again
        await uow.commit()


async def test_an_error_inside_rolls_back_and_propagates(uow_factory: UowFactory) -> None:
    await _alice_with_todo(uow_factory)

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.todos.add(new_todo("t-2", OWNER))
            raise Boom

    with pytest.raises(Boom):
        await add_then_fail()

    async with uow_factory() as uow:
        assert await uow.todos.get(OWNER, "t-2") is None


async def test_leaving_without_commit_rolls_back_updates(uow_factory: UowFactory) -> None:
    await _alice_with_todo(uow_factory)
    async with uow_factory() as uow:
        await uow.sessions.add(new_session("s-1", OWNER))
        await uow.commit()

    async with uow_factory() as uow:
        todo = await uow.todos.get(OWNER, "t-1")
        assert todo is not None
        todo.change(at(5), task="changed", order=2)
        await uow.todos.save(todo)
        await uow.users.update_password_hash(OWNER, "other-hash")
        await uow.sessions.revoke("s-1", at(5))

    async with uow_factory() as uow:
        todo = await uow.todos.get(OWNER, "t-1")
        user = await uow.users.get(OWNER)
        session = await uow.sessions.get("s-1")
    assert todo is not None
    assert (todo.task, todo.order) == ("keep me", 1)
    assert user is not None
    assert user.password_hash == "hash-of-alice"
    assert session is not None
    assert session.revoked_at is None


async def test_leaving_without_commit_rolls_back_deletes(uow_factory: UowFactory) -> None:
    await _alice_with_todo(uow_factory)
    await add_todos(uow_factory, new_todo("t-2", OWNER))

    async with uow_factory() as uow:
        assert await uow.todos.delete(OWNER, "t-1") is True
    async with uow_factory() as uow:
        assert await uow.todos.delete_all(OWNER) == 2
        await uow.todos.add(new_todo("t-3", OWNER))  # a write after the delete, also undone

    async with uow_factory() as uow:
        assert await uow.todos.get(OWNER, "t-1") is not None
        assert await uow.todos.get(OWNER, "t-2") is not None
        assert await uow.todos.get(OWNER, "t-3") is None


async def test_writes_after_commit_need_another_commit(uow_factory: UowFactory) -> None:
    await add_users(uow_factory, new_user("alice"))

    async with uow_factory() as uow:
        await uow.todos.add(new_todo("t-1", OWNER))
        await uow.commit()
        await uow.todos.add(new_todo("t-2", OWNER))

    async with uow_factory() as uow:
        assert await uow.todos.get(OWNER, "t-1") is not None
        assert await uow.todos.get(OWNER, "t-2") is None


async def test_read_only_unit_of_work_sees_committed_data(uow_factory: UowFactory) -> None:
    await _alice_with_todo(uow_factory)
    async with uow_factory() as uow:
        await uow.users.update_password_hash(OWNER, "fresh-hash")
        await uow.commit()

    async with uow_factory(read_only=True) as uow:
        user = await uow.users.get(OWNER)
        todo = await uow.todos.get(OWNER, "t-1")
    assert user is not None
    assert user.password_hash == "fresh-hash"
    assert todo is not None
    assert todo.task == "keep me"
