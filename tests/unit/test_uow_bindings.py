"""A context's unit of work binds exactly what its port names, or its class cannot be
defined: a forgotten repository (the idempotency keys of an idempotent context on one
storage, say) fails at import instead of as a 500 on one backend."""

from __future__ import annotations

import pytest

from adapters.memory.idempotency import InMemoryIdempotencyRepository
from adapters.memory.shop.repositories import InMemoryOrderRepository, InMemoryProductRepository
from adapters.memory.uow import InMemoryUnitOfWork
from adapters.sql.todos import SqlTodoRepository
from adapters.sql.uow import SqlUnitOfWork
from application.shop.ports import ShopUnitOfWork
from application.todos.ports import TodosUnitOfWork


def test_a_missing_repository_stops_the_class_being_defined() -> None:
    with pytest.raises(TypeError, match=r"missing \['idempotency'\]"):

        class _Forgetful(InMemoryUnitOfWork, ShopUnitOfWork):
            repositories = {
                "products": InMemoryProductRepository,
                "orders": InMemoryOrderRepository,
            }


def test_a_repository_of_the_wrong_port_or_name_is_refused() -> None:
    with pytest.raises(TypeError, match=r"not in the port \['notes'\].*port \['orders'\]"):

        class _Confused(InMemoryUnitOfWork, ShopUnitOfWork):
            repositories = {
                "products": InMemoryProductRepository,
                "orders": InMemoryProductRepository,
                "idempotency": InMemoryIdempotencyRepository,
                "notes": InMemoryOrderRepository,
            }


def test_the_sql_side_is_checked_alike() -> None:
    with pytest.raises(TypeError, match=r"missing \['todos'\]"):

        class _Empty(SqlUnitOfWork, TodosUnitOfWork):
            repositories = {}

    class Complete(SqlUnitOfWork, TodosUnitOfWork):
        repositories = {"todos": SqlTodoRepository}

    assert Complete.repositories == {"todos": SqlTodoRepository}
