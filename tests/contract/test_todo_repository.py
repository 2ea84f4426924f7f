"""TodoRepository contract: owner-scoped todos, and one ordering on every adapter."""

from __future__ import annotations

import pytest

from application.todos.ports import TodoQuery, TodoSortField
from tests.contract.builders import add_todos, add_users, assert_utc, at, new_todo, new_user
from tests.support.storage import Uows

OWNER, OTHER = "u-alice", "u-bob"


async def _users(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("bob"))


async def test_add_then_get_is_scoped_to_the_owner(uows: Uows) -> None:
    await _users(uows)
    todo = new_todo("t-1", OWNER, "  buy milk ", order=7, created_at=at(1), completed=True)
    await add_todos(uows, todo)

    async with uows.todos().write() as uow:
        mine = await uow.todos.get(OWNER, "t-1")
        theirs = await uow.todos.get(OTHER, "t-1")
        unknown = await uow.todos.get(OWNER, "t-unknown")

    assert theirs is None
    assert unknown is None
    assert mine is not None
    assert (mine.id, mine.owner_id, mine.task) == ("t-1", OWNER, "buy milk")
    assert mine.completed is True
    assert mine.order == 7
    assert_utc(mine.created_at, at(1))
    assert_utc(mine.updated_at, at(1))
    assert_utc(mine.completed_at, at(1))


async def test_save_writes_back_changes(uows: Uows) -> None:
    await _users(uows)
    await add_todos(uows, new_todo("t-1", OWNER, "draft", order=3))

    async with uows.todos().write() as uow:
        todo = await uow.todos.get_for_update(OWNER, "t-1")
        assert todo is not None
        todo.change(at(10), task="final", completed=True, order=None)
        await uow.todos.save(todo)
        await uow.commit()

    async with uows.todos().write() as uow:
        saved = await uow.todos.get(OWNER, "t-1")
    assert saved is not None
    assert (saved.task, saved.completed, saved.order) == ("final", True, None)
    assert_utc(saved.created_at, at(0))
    assert_utc(saved.updated_at, at(10))
    assert_utc(saved.completed_at, at(10))


async def test_a_loaded_todo_changes_nothing_until_saved(uows: Uows) -> None:
    await _users(uows)
    await add_todos(uows, new_todo("t-1", OWNER, "draft", order=3))

    async with uows.todos().write() as uow:
        todo = await uow.todos.get(OWNER, "t-1")
        assert todo is not None
        todo.change(at(10), task="changed", order=99)
        await uow.commit()

    async with uows.todos().write() as uow:
        kept = await uow.todos.get(OWNER, "t-1")
    assert kept is not None
    assert (kept.task, kept.order) == ("draft", 3)


async def test_delete_only_the_owners_todo(uows: Uows) -> None:
    await _users(uows)
    await add_todos(uows, new_todo("t-1", OWNER), new_todo("t-2", OWNER))

    async with uows.todos().write() as uow:
        assert await uow.todos.delete(OTHER, "t-1") is False
        assert await uow.todos.delete(OWNER, "t-1") is True
        assert await uow.todos.delete(OWNER, "t-1") is False
        assert await uow.todos.delete(OWNER, "t-unknown") is False
        await uow.commit()

    async with uows.todos().write() as uow:
        assert await uow.todos.get(OWNER, "t-1") is None
        assert await uow.todos.get(OWNER, "t-2") is not None


async def test_delete_all_counts_and_spares_other_owners(uows: Uows) -> None:
    await _users(uows)
    await add_todos(
        uows,
        new_todo("t-1", OWNER),
        new_todo("t-2", OWNER),
        new_todo("t-3", OWNER),
        new_todo("t-b", OTHER),
    )

    async with uows.todos().write() as uow:
        assert await uow.todos.delete_all(OWNER) == 3
        assert await uow.todos.delete_all(OWNER) == 0
        await uow.commit()

    async with uows.todos().write() as uow:
        mine, mine_total = await uow.todos.list(TodoQuery(OWNER, limit=10))
        theirs, theirs_total = await uow.todos.list(TodoQuery(OTHER, limit=10))
    assert (list(mine), mine_total) == ([], 0)
    assert [t.id for t in theirs] == ["t-b"]
    assert theirs_total == 1


async def _sample(uows: Uows) -> None:
    """Ties on every sort key, nulls in `order`, mixed case and non-ASCII tasks.

    Inserted out of id order, so a tie broken by insertion order would show.
    """
    await _users(uows)
    await add_todos(
        uows,
        new_todo("t5", OWNER, "B", order=1, created_at=at(3)),
        new_todo("t2", OWNER, "B", order=None, created_at=at(1), completed=True),
        new_todo("t6", OWNER, "Z", order=10, created_at=at(0)),
        new_todo("t1", OWNER, "b", order=2, created_at=at(3)),
        new_todo("t4", OWNER, "é", order=None, created_at=at(2), completed=True),
        new_todo("t3", OWNER, "a", order=2, created_at=at(1)),
        new_todo("tx", OTHER, "A", order=0, created_at=at(-1)),
    )


# By code point ('B' < 'Z' < 'a' < 'b' < 'é'); nulls last either way; ties by creation time
# (t3 before t1 on order 2, though t1 < t3), then by id.
ORDERINGS = [
    (TodoSortField.CREATED_AT, False, ["t6", "t2", "t3", "t4", "t1", "t5"]),
    (TodoSortField.CREATED_AT, True, ["t1", "t5", "t4", "t2", "t3", "t6"]),
    (TodoSortField.ORDER, False, ["t5", "t3", "t1", "t6", "t2", "t4"]),
    (TodoSortField.ORDER, True, ["t6", "t3", "t1", "t5", "t2", "t4"]),
    (TodoSortField.TASK, False, ["t2", "t5", "t6", "t3", "t1", "t4"]),
    (TodoSortField.TASK, True, ["t4", "t1", "t3", "t6", "t2", "t5"]),
]


@pytest.mark.parametrize(("sort", "descending", "expected"), ORDERINGS)
async def test_list_sorts_identically_everywhere(
    uows: Uows, sort: TodoSortField, descending: bool, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.todos().write() as uow:
        page, total = await uow.todos.list(
            TodoQuery(OWNER, limit=50, sort=sort, descending=descending)
        )

    assert [t.id for t in page] == expected
    assert total == 6


@pytest.mark.parametrize(
    ("completed", "expected"),
    [(True, ["t2", "t4"]), (False, ["t6", "t3", "t1", "t5"]), (None, ORDERINGS[0][2])],
)
async def test_list_filters_by_completed(
    uows: Uows, completed: bool | None, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.todos().write() as uow:
        page, total = await uow.todos.list(TodoQuery(OWNER, limit=50, completed=completed))

    assert [t.id for t in page] == expected
    assert total == len(expected)
    assert all(t.owner_id == OWNER for t in page)


@pytest.mark.parametrize(
    ("limit", "offset", "expected"),
    [(2, 0, ["t5", "t3"]), (2, 1, ["t3", "t1"]), (3, 4, ["t2", "t4"]), (5, 6, []), (5, 50, [])],
)
async def test_list_pages_with_limit_offset_and_full_total(
    uows: Uows, limit: int, offset: int, expected: list[str]
) -> None:
    await _sample(uows)

    async with uows.todos().write() as uow:
        query = TodoQuery(OWNER, limit=limit, offset=offset, sort=TodoSortField.ORDER)
        page, total = await uow.todos.list(query)

    assert [t.id for t in page] == expected
    assert total == 6


async def test_list_of_owner_without_todos_is_empty(uows: Uows) -> None:
    await _sample(uows)

    async with uows.todos().write() as uow:
        page, total = await uow.todos.list(TodoQuery("u-nobody", limit=10))
        completed_page, completed_total = await uow.todos.list(
            TodoQuery(OTHER, limit=10, completed=True)
        )

    assert (list(page), total) == ([], 0)
    assert (list(completed_page), completed_total) == ([], 0)
