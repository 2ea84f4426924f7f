"""Ids from outside are 1-64 printable ASCII characters: every use case that takes one
refuses the rest (InvalidId, a 422) before any repository sees it. No server needed."""

from __future__ import annotations

import re

import pytest

from application.shared.ids import ID_PATTERN, check_id, new_id
from application.todos.dto import ReplaceTodoCommand, UpdateTodoCommand
from domain.shared.errors import InvalidId
from domain.shared.roles import Role
from domain.todos.errors import TodoNotFound
from tests.unit.conftest import Accounts
from tests.unit.todo_helpers import ALICE, Todos

# Too short, too long, NUL (PostgreSQL cannot store it), controls, non-ASCII, a lone
# surrogate, and a trailing newline (which Python's `$` would let through).
BAD_IDS = ["", "a" * 65, "a\x00b", "tab\there", "caf\u00e9", "\ud800", "abc\n", "\x7f"]


@pytest.mark.parametrize("value", BAD_IDS)
def test_check_id_refuses_what_no_entity_can_have(value: str) -> None:
    with pytest.raises(InvalidId) as refused:
        check_id(value, "todo id")

    assert refused.value.code == "invalid_id"
    assert re.fullmatch(ID_PATTERN.strip("^$"), value) is None  # the published rule agrees


@pytest.mark.parametrize("value", [new_id(), "x", "~" * 64, "' OR 1=1--"])
def test_check_id_passes_printable_ascii(value: str) -> None:
    assert check_id(value, "todo id") == value


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_every_todo_use_case_that_takes_an_id_checks_it(todos: Todos, bad: str) -> None:
    kept = await todos.create(ALICE, "keep me")
    calls = [
        todos.get(ALICE, bad),
        todos.change(UpdateTodoCommand(ALICE, bad, task="x")),
        todos.change(ReplaceTodoCommand(ALICE, bad, "x", True, None)),
        todos.delete(ALICE, bad),
    ]
    for call in calls:
        with pytest.raises(InvalidId):
            await call

    assert [t.id for t in (await todos.list(ALICE)).items] == [kept.id]


async def test_a_well_formed_unknown_todo_id_is_still_not_found(todos: Todos) -> None:
    with pytest.raises(TodoNotFound):
        await todos.get(ALICE, "a" * 64)


@pytest.mark.parametrize("bad", BAD_IDS)
async def test_get_user_checks_the_id_even_for_an_admin(accounts: Accounts, bad: str) -> None:
    await accounts.register("root", role=Role.ADMIN)
    admin = await accounts.actor_for(await accounts.sign_in("root"))

    with pytest.raises(InvalidId):
        await accounts.use_cases.get_user().execute(admin, bad)
    assert (await accounts.use_cases.get_user().execute(admin, admin.user_id)).username == "root"
