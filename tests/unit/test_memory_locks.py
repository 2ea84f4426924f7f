"""The memory adapter serialises every transaction, so on its own it would hide a missing
row lock: a use case that reads with get() and then saves passes here and loses updates
on PostgreSQL. So it refuses to save what the transaction did not load for update (or
add), on every repository that saves loaded entities."""

from __future__ import annotations

import pytest

from adapters.memory.accounts.uow import InMemoryAccountsUnitOfWork
from adapters.memory.idempotency import InMemoryIdempotencyUnitOfWork
from adapters.memory.shop.uow import InMemoryShopUnitOfWork
from adapters.memory.store import MemoryStore
from adapters.memory.todos import InMemoryTodosUnitOfWork
from application.shared.ports import LockNotHeld
from domain.shared.idempotency import IdempotencyRecord
from domain.shared.roles import Role
from domain.shared.unset import UNSET
from tests.contract.builders import T0, new_product, new_todo, new_user


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


async def test_a_todo_read_without_its_lock_cannot_be_saved(store: MemoryStore) -> None:
    async with InMemoryTodosUnitOfWork(store).write() as uow:
        await uow.todos.add(new_todo("t-1", "u-alice"))
        await uow.commit()

    async with InMemoryTodosUnitOfWork(store).write() as uow:
        todo = await uow.todos.get("u-alice", "t-1")
        assert todo is not None
        todo.change(T0, "changed", UNSET, UNSET)
        with pytest.raises(LockNotHeld):
            await uow.todos.save(todo)

    async with InMemoryTodosUnitOfWork(store).write() as uow:
        locked = await uow.todos.get_for_update("u-alice", "t-1")
        assert locked is not None
        locked.change(T0, "changed", UNSET, UNSET)
        await uow.todos.save(locked)
        await uow.commit()
    async with InMemoryTodosUnitOfWork(store).read() as uow:
        saved = await uow.todos.get("u-alice", "t-1")
    assert saved is not None
    assert saved.task == "changed"


async def test_a_lock_ends_with_its_transaction(store: MemoryStore) -> None:
    uow = InMemoryTodosUnitOfWork(store)  # one instance, two transactions in turn
    async with uow.write() as tx:
        await tx.todos.add(new_todo("t-1", "u-alice"))
        assert await tx.todos.get_for_update("u-alice", "t-1") is not None
        await tx.commit()
    async with uow.write() as tx:
        todo = await tx.todos.get("u-alice", "t-1")
        assert todo is not None
        with pytest.raises(LockNotHeld):
            await tx.todos.save(todo)


async def test_shop_saves_need_their_locks(store: MemoryStore) -> None:
    async with InMemoryShopUnitOfWork(store).write() as uow:
        await uow.products.add(new_product("p-1"))
        await uow.commit()

    async with InMemoryShopUnitOfWork(store).write() as uow:
        product = await uow.products.get("p-1")
        assert product is not None
        with pytest.raises(LockNotHeld):
            await uow.products.save(product)

    async with InMemoryShopUnitOfWork(store).write() as uow:
        [locked] = await uow.products.get_many_for_update(["p-1"])
        await uow.products.save(locked)  # no error
        await uow.commit()


async def test_an_idempotency_record_is_saved_only_under_its_lock(store: MemoryStore) -> None:
    record = IdempotencyRecord("u-alice", "key-1", "print", "claim-1", T0)
    async with InMemoryIdempotencyUnitOfWork(store).write() as uow:
        await uow.idempotency.add(record)
        await uow.idempotency.save(record.complete("o-1"))  # added here: held
        await uow.commit()

    async with InMemoryIdempotencyUnitOfWork(store).write() as uow:
        with pytest.raises(LockNotHeld):
            await uow.idempotency.save(record.complete("o-2"))

    async with InMemoryIdempotencyUnitOfWork(store).write() as uow:
        held = await uow.idempotency.get_for_update("u-alice", "key-1")
        assert held is not None
        assert held.result_id == "o-1"


async def test_a_user_is_saved_only_under_its_lock(store: MemoryStore) -> None:
    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        await uow.users.add(new_user("alice"))
        await uow.users.add(new_user("root", role=Role.ADMIN))
        await uow.commit()

    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        alice = await uow.users.get("u-alice")
        assert alice is not None
        alice.role = Role.CLINICIAN
        with pytest.raises(LockNotHeld):
            await uow.users.save(alice)

    async with InMemoryAccountsUnitOfWork(store).write() as uow:
        assert await uow.users.ids_with_role_for_update(Role.ADMIN) == {"u-root"}
        root = await uow.users.get("u-root")
        assert root is not None
        await uow.users.save(root)  # held by the role's lock: no error
        locked = await uow.users.get_for_update("u-alice")
        assert locked is not None
        locked.role = Role.CLINICIAN
        await uow.users.save(locked)
        await uow.commit()
