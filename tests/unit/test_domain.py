"""The pure domain rules, without any use case around them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.shared.paging import Page
from domain.accounts.errors import InvalidUsername, WeakPassword
from domain.accounts.model import LoginSession, Username, check_password_rules
from domain.shared.errors import ErrorKind
from domain.todos.errors import InvalidTask
from domain.todos.model import Todo, clean_task

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_username_canonical_form_ignores_case() -> None:
    assert Username("Alice").canonical == Username("aLICE").canonical == "alice"


def test_username_rejects_non_ascii_letters() -> None:
    with pytest.raises(InvalidUsername):
        Username("ålice")


def test_password_rules_are_checked_in_order() -> None:
    # Short *and* equal to the username: the length rule is named first.
    with pytest.raises(WeakPassword) as caught:
        check_password_rules("bob", Username("bob"), is_common=True)

    assert caught.value.rule == "min_length"


def test_a_good_password_passes() -> None:
    check_password_rules("correct horse battery staple", Username("bob"), is_common=False)


def test_weak_password_is_an_invalid_input() -> None:
    error = WeakPassword("too short", "min_length")

    assert error.kind is ErrorKind.INVALID
    assert error.code == "weak_password"


def test_clean_task_trims() -> None:
    assert clean_task("\t task  ") == "task"


def test_clean_task_counts_length_after_trimming() -> None:
    assert clean_task(" " * 10 + "x" * 500) == "x" * 500
    with pytest.raises(InvalidTask):
        clean_task("x" * 501)


def test_todo_change_keeps_completed_at_when_already_completed() -> None:
    todo = Todo.create("t", "o", "task", True, None, NOW)

    todo.change(NOW + timedelta(hours=1), completed=True)

    assert todo.completed_at == NOW
    assert todo.updated_at == NOW + timedelta(hours=1)


def test_login_session_is_active_until_it_expires_or_is_revoked() -> None:
    session = LoginSession("s", "u", NOW, NOW + timedelta(days=1))

    assert session.is_active(NOW + timedelta(hours=23))
    assert not session.is_active(NOW + timedelta(days=1))
    session.revoke(NOW + timedelta(hours=1))
    session.revoke(NOW + timedelta(hours=2))
    assert session.revoked_at == NOW + timedelta(hours=1)
    assert not session.is_active(NOW + timedelta(hours=1))


@pytest.mark.parametrize(
    ("total", "limit", "offset", "expected"),
    [(10, 5, 0, 5), (10, 5, 5, None), (11, 5, 5, 10), (0, 5, 0, None), (3, 5, 10, None)],
)
def test_page_next_offset(total: int, limit: int, offset: int, expected: int | None) -> None:
    assert Page([], total, limit, offset).next_offset == expected
