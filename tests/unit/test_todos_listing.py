"""Listing todos: owner scope, filters, sorting, paging."""

from __future__ import annotations

import pytest

from application.shared.paging import Page
from application.todos.dto import (
    TodoView,
)
from application.todos.ports import TodoSortField
from domain.shared.errors import InvalidInput
from tests.unit.todo_helpers import ALICE, BOB, Todos

# --- ListTodos --------------------------------------------------------------------------


async def make_list(todos: Todos) -> dict[str, TodoView]:
    """Four of Alice's todos created a second apart, and one of Bob's."""
    made = {}
    for task, completed, order in [
        ("cherry", False, 2),
        ("apple", True, None),
        ("banana", False, 1),
        ("date", True, 3),
    ]:
        todos.clock.advance(seconds=1)
        made[task] = await todos.create(ALICE, task, completed, order)
    await todos.create(BOB, "bob's own")
    return made


def tasks(page: Page[TodoView]) -> list[str]:
    return [t.task for t in page.items]


async def test_list_shows_only_the_callers_todos_oldest_first(todos: Todos) -> None:
    await make_list(todos)

    page = await todos.list(ALICE)

    assert tasks(page) == ["cherry", "apple", "banana", "date"]
    assert page.total == 4


@pytest.mark.parametrize(
    ("completed", "expected"), [(True, ["apple", "date"]), (False, ["cherry", "banana"])]
)
async def test_list_filters_by_completed(
    todos: Todos, completed: bool, expected: list[str]
) -> None:
    await make_list(todos)

    page = await todos.list(ALICE, completed=completed)

    assert tasks(page) == expected
    assert page.total == 2


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        (TodoSortField.CREATED_AT, False, ["cherry", "apple", "banana", "date"]),
        (TodoSortField.CREATED_AT, True, ["date", "banana", "apple", "cherry"]),
        (TodoSortField.TASK, False, ["apple", "banana", "cherry", "date"]),
        (TodoSortField.TASK, True, ["date", "cherry", "banana", "apple"]),
        (TodoSortField.ORDER, False, ["banana", "cherry", "date", "apple"]),
        (TodoSortField.ORDER, True, ["date", "cherry", "banana", "apple"]),
    ],
)
async def test_list_sorts_with_nulls_last(
    todos: Todos, sort: TodoSortField, descending: bool, expected: list[str]
) -> None:
    await make_list(todos)

    page = await todos.list(ALICE, sort=sort, descending=descending)

    assert tasks(page) == expected


async def test_list_breaks_ties_by_id(todos: Todos) -> None:
    made = [await todos.create(ALICE, "same", order=1) for _ in range(4)]

    ascending = await todos.list(ALICE, sort=TodoSortField.ORDER)
    descending = await todos.list(ALICE, sort=TodoSortField.TASK, descending=True)

    by_id = sorted(t.id for t in made)
    assert [t.id for t in ascending.items] == by_id
    assert [t.id for t in descending.items] == by_id


async def test_list_pages_report_total_and_next_offset(todos: Todos) -> None:
    await make_list(todos)

    first = await todos.list(ALICE, limit=3)
    last = await todos.list(ALICE, limit=3, offset=3)
    beyond = await todos.list(ALICE, limit=3, offset=10)

    assert (tasks(first), first.total, first.next_offset) == (["cherry", "apple", "banana"], 4, 3)
    assert (tasks(last), last.total, last.next_offset) == (["date"], 4, None)
    assert (tasks(beyond), beyond.total, beyond.next_offset) == ([], 4, None)


async def test_list_paging_counts_the_filtered_total(todos: Todos) -> None:
    await make_list(todos)

    page = await todos.list(ALICE, limit=1, completed=True)

    assert (tasks(page), page.total, page.next_offset) == (["apple"], 2, 1)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (201, 0), (-1, 0), (10, -1)])
async def test_list_refuses_bad_paging(todos: Todos, limit: int, offset: int) -> None:
    with pytest.raises(InvalidInput):
        await todos.list(ALICE, limit=limit, offset=offset)


async def test_list_accepts_the_limit_bounds(todos: Todos) -> None:
    await make_list(todos)

    assert (await todos.list(ALICE, limit=1)).items
    assert (await todos.list(ALICE, limit=200)).total == 4
