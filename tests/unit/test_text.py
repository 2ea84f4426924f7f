"""Client text must be Unicode: JSON may carry a lone surrogate ("\\ud800") that no hasher,
token library or database can encode. Every use case refuses it (InvalidText, a 422)
where the text enters, before it reaches one of them. No server needed."""

from __future__ import annotations

import pytest

from application.accounts.dto import ChangePasswordCommand, LoginCommand, RegisterCommand
from application.todos.dto import UpdateTodoCommand
from domain.shared.errors import InvalidText
from domain.shared.text import check_text, is_text
from tests.unit.conftest import CLIENT, PASSWORD, Accounts
from tests.unit.todo_helpers import ALICE, Todos

LONE = "\ud800"


def test_check_text_names_the_field_and_never_echoes_the_value() -> None:
    assert check_text("caf\u00e9 \U0001f600", "task") == "caf\u00e9 \U0001f600"
    assert not is_text("x\udfff")

    with pytest.raises(InvalidText) as refused:
        check_text(f"milk {LONE}", "task")

    assert (refused.value.code, refused.value.extra) == ("invalid_text", {"field": "task"})
    assert LONE not in refused.value.detail


async def test_a_task_must_be_text(todos: Todos) -> None:
    with pytest.raises(InvalidText):
        await todos.create(ALICE, f"milk {LONE}")
    assert todos.table("todos_by_owner") == {}

    kept = await todos.create(ALICE, "milk")
    with pytest.raises(InvalidText):
        await todos.change(UpdateTodoCommand(ALICE, kept.id, task=LONE))
    assert await todos.get(ALICE, kept.id) == kept


@pytest.mark.parametrize(
    ("username", "password", "email", "field"),
    [
        (f"bob{LONE}", PASSWORD, None, "username"),
        ("bob", PASSWORD + LONE, None, "password"),
        ("bob", PASSWORD, f"bob{LONE}@example.org", "email"),
    ],
)
async def test_registration_takes_only_text(
    accounts: Accounts, username: str, password: str, email: str | None, field: str
) -> None:
    with pytest.raises(InvalidText) as refused:
        await accounts.use_cases.register_user().execute(RegisterCommand(username, password, email))

    assert refused.value.extra == {"field": field}
    assert accounts.table("users") == {}


async def test_login_refuses_non_text_before_counting_an_attempt(accounts: Accounts) -> None:
    await accounts.register("alice")
    for username, password in [("alice", PASSWORD + LONE), (f"alice{LONE}", PASSWORD)] * 10:
        with pytest.raises(InvalidText):
            await accounts.use_cases.login().execute(LoginCommand(username, password, CLIENT))

    assert await accounts.sign_in("alice")  # not throttled, and the hasher never saw it


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [(LONE, "a brand new passphrase", "current_password"), (PASSWORD, LONE * 9, "new_password")],
)
async def test_change_password_takes_only_text(
    accounts: Accounts, current: str, new: str, field: str
) -> None:
    await accounts.register("alice")
    actor = await accounts.actor_for(await accounts.sign_in("alice"))

    with pytest.raises(InvalidText) as refused:
        await accounts.use_cases.change_password().execute(
            ChangePasswordCommand(actor, current, new)
        )

    assert refused.value.extra == {"field": field}
    assert await accounts.sign_in("alice", PASSWORD)  # the password is unchanged


async def test_a_refresh_token_must_be_text(accounts: Accounts) -> None:
    with pytest.raises(InvalidText):
        await accounts.use_cases.refresh_tokens().execute(LONE)
