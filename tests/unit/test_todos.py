"""Create, get, change and delete todos."""

from __future__ import annotations

import pytest

from application.shared.actor import Actor
from application.todos.dto import (
    ReplaceTodoCommand,
    UpdateTodoCommand,
)
from domain.todos.errors import InvalidTask, TodoNotFound
from tests.unit.todo_helpers import ADMIN, ALICE, BOB, Todos

# --- CreateTodo -------------------------------------------------------------------------


async def test_create_trims_the_task_and_stores_it_for_the_owner(todos: Todos) -> None:
    view = await todos.create(ALICE, "  buy milk \n", order=3)

    assert view.task == "buy milk"
    assert (view.completed, view.order, view.completed_at) == (False, 3, None)
    assert view.created_at == view.updated_at == todos.clock.now()
    assert todos.table("todos_by_owner")[ALICE.user_id][view.id].task == "buy milk"


@pytest.mark.parametrize("task", ["", "   ", "\t\n"])
async def test_a_blank_task_is_refused(todos: Todos, task: str) -> None:
    with pytest.raises(InvalidTask):
        await todos.create(ALICE, task)

    assert todos.table("todos_by_owner") == {}


async def test_a_task_over_500_characters_is_refused(todos: Todos) -> None:
    with pytest.raises(InvalidTask):
        await todos.create(ALICE, "x" * 501)

    assert todos.table("todos_by_owner") == {}


async def test_a_task_of_500_characters_after_trimming_is_accepted(todos: Todos) -> None:
    view = await todos.create(ALICE, "  " + "x" * 500 + "  ")

    assert len(view.task) == 500


async def test_creating_a_completed_todo_sets_completed_at(todos: Todos) -> None:
    view = await todos.create(ALICE, "done already", completed=True)

    assert view.completed
    assert view.completed_at == todos.clock.now()


# --- GetTodo ----------------------------------------------------------------------------


async def test_the_owner_can_get_a_todo(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")

    assert await todos.get(ALICE, created.id) == created


@pytest.mark.parametrize("other", [BOB, ADMIN])
async def test_another_users_todo_is_not_found(todos: Todos, other: Actor) -> None:
    created = await todos.create(ALICE, "private")

    with pytest.raises(TodoNotFound):
        await todos.get(other, created.id)


async def test_an_unknown_todo_is_not_found(todos: Todos) -> None:
    with pytest.raises(TodoNotFound):
        await todos.get(ALICE, "no-such-todo")


# --- ChangeTodo -------------------------------------------------------------------------


async def test_completing_sets_completed_at_and_reopening_clears_it(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")
    todos.clock.advance(minutes=1)
    completed_time = todos.clock.now()

    done = await todos.change(UpdateTodoCommand(ALICE, created.id, completed=True))
    todos.clock.advance(minutes=1)
    again_time = todos.clock.now()
    again = await todos.change(UpdateTodoCommand(ALICE, created.id, completed=True))
    todos.clock.advance(minutes=1)
    reopened = await todos.change(UpdateTodoCommand(ALICE, created.id, completed=False))

    assert (done.completed, done.completed_at) == (True, completed_time)
    assert (again.completed, again.completed_at) == (True, completed_time)
    assert again.updated_at == again_time
    assert (reopened.completed, reopened.completed_at) == (False, None)
    assert (await todos.get(ALICE, created.id)).completed_at is None


async def test_a_partial_update_leaves_unset_fields_alone(todos: Todos) -> None:
    created = await todos.create(ALICE, "task", completed=True, order=7)
    todos.clock.advance(minutes=5)

    changed = await todos.change(UpdateTodoCommand(ALICE, created.id, task="  renamed "))

    assert changed.task == "renamed"
    assert (changed.completed, changed.order) == (True, 7)
    assert changed.completed_at == created.completed_at
    assert changed.created_at == created.created_at
    assert changed.updated_at == todos.clock.now()
    assert await todos.get(ALICE, created.id) == changed


async def test_a_partial_update_can_clear_the_order(todos: Todos) -> None:
    created = await todos.create(ALICE, "task", order=7)

    changed = await todos.change(UpdateTodoCommand(ALICE, created.id, order=None))

    assert changed.order is None
    assert changed.task == "task"
    assert (await todos.get(ALICE, created.id)).order is None


async def test_an_empty_partial_update_only_touches_updated_at(todos: Todos) -> None:
    created = await todos.create(ALICE, "task", order=1)
    todos.clock.advance(seconds=30)

    changed = await todos.change(UpdateTodoCommand(ALICE, created.id))

    assert (changed.task, changed.completed, changed.order) == ("task", False, 1)
    assert changed.updated_at == todos.clock.now()


async def test_a_replace_sets_every_field(todos: Todos) -> None:
    created = await todos.create(ALICE, "task", order=1)

    replaced = await todos.change(ReplaceTodoCommand(ALICE, created.id, "new", True, None))

    assert (replaced.task, replaced.completed, replaced.order) == ("new", True, None)
    assert replaced.completed_at == todos.clock.now()


async def test_a_blank_task_in_an_update_is_refused_and_nothing_changes(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")

    with pytest.raises(InvalidTask):
        await todos.change(UpdateTodoCommand(ALICE, created.id, task="  ", completed=True))

    assert await todos.get(ALICE, created.id) == created
    stored = todos.table("todos_by_owner")[ALICE.user_id][created.id]
    assert (stored.task, stored.completed) == ("task", False)


async def test_changing_another_users_todo_is_not_found(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")

    with pytest.raises(TodoNotFound):
        await todos.change(UpdateTodoCommand(BOB, created.id, task="hijacked"))
    with pytest.raises(TodoNotFound):
        await todos.change(ReplaceTodoCommand(ADMIN, created.id, "hijacked", True, 1))

    assert (await todos.get(ALICE, created.id)).task == "task"


# --- DeleteTodo / DeleteAllTodos --------------------------------------------------------


async def test_delete_removes_the_todo(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")

    await todos.delete(ALICE, created.id)

    with pytest.raises(TodoNotFound):
        await todos.get(ALICE, created.id)
    with pytest.raises(TodoNotFound):
        await todos.delete(ALICE, created.id)


async def test_deleting_another_users_todo_is_not_found(todos: Todos) -> None:
    created = await todos.create(ALICE, "task")

    with pytest.raises(TodoNotFound):
        await todos.delete(BOB, created.id)

    assert await todos.get(ALICE, created.id) == created


async def test_delete_all_deletes_only_the_callers_todos(todos: Todos) -> None:
    for task in ["a", "b", "c"]:
        await todos.create(ALICE, task)
    bobs = await todos.create(BOB, "bob's")

    assert await todos.delete_all(ALICE) == 3

    assert (await todos.list(ALICE)).total == 0
    assert await todos.get(BOB, bobs.id) == bobs
    assert await todos.delete_all(ALICE) == 0
