"""A todo's order fits a 32-bit SQL INTEGER: the domain refuses the rest, no server needed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from application.todos.dto import ReplaceTodoCommand, UpdateTodoCommand
from domain.todos.errors import InvalidOrder
from domain.todos.model import ORDER_MAX, ORDER_MIN, Todo
from tests.unit.todo_helpers import ALICE, Todos

OUTSIDE = [ORDER_MAX + 1, ORDER_MIN - 1, 10**30, -(10**30)]
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_the_range_is_32_bits() -> None:
    assert (ORDER_MIN, ORDER_MAX) == (-(2**31), 2**31 - 1)


@pytest.mark.parametrize("order", [ORDER_MIN, ORDER_MAX, 0, None])
async def test_create_accepts_every_order_that_fits(todos: Todos, order: int | None) -> None:
    view = await todos.create(ALICE, "task", order=order)

    assert view.order == order
    assert (await todos.get(ALICE, view.id)).order == order


@pytest.mark.parametrize("order", OUTSIDE)
async def test_create_refuses_an_order_outside_32_bits(todos: Todos, order: int) -> None:
    with pytest.raises(InvalidOrder) as refused:
        await todos.create(ALICE, "task", order=order)

    assert refused.value.code == "invalid_order"
    assert todos.table("todos_by_owner") == {}


@pytest.mark.parametrize("order", OUTSIDE)
async def test_a_change_with_such_an_order_changes_nothing(todos: Todos, order: int) -> None:
    before = await todos.create(ALICE, "task", order=5)
    commands: list[UpdateTodoCommand | ReplaceTodoCommand] = [
        UpdateTodoCommand(ALICE, before.id, task="new", completed=True, order=order),
        ReplaceTodoCommand(ALICE, before.id, "new", True, order),
    ]
    for command in commands:
        with pytest.raises(InvalidOrder):
            await todos.change(command)

    assert await todos.get(ALICE, before.id) == before


def test_the_entity_checks_every_field_before_applying_any() -> None:
    todo = Todo.create("t1", "alice-id", "task", False, 5, NOW)
    later = NOW.replace(year=2031)

    with pytest.raises(InvalidOrder):
        todo.change(later, task="new", completed=True, order=ORDER_MAX + 1)

    assert (todo.task, todo.completed, todo.order, todo.updated_at) == ("task", False, 5, NOW)
