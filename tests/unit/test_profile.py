from __future__ import annotations

import pytest

from application.accounts.dto import ChangePasswordCommand, TokenPair
from application.shared.actor import Actor
from domain.accounts.errors import (
    InvalidCredentials,
    InvalidToken,
    UserNotFound,
    WeakPassword,
    WrongCurrentPassword,
)
from domain.shared.errors import Forbidden
from domain.shared.roles import Role
from tests.unit.conftest import PASSWORD, Accounts

NEW = "a brand new passphrase"


async def signed_in(accounts: Accounts, username: str, role: Role = Role.USER) -> Actor:
    await accounts.register(username, role=role)
    return await accounts.actor_for(await accounts.sign_in(username))


async def change(accounts: Accounts, actor: Actor, current: str, new: str) -> None:
    await accounts.use_cases.change_password().execute(ChangePasswordCommand(actor, current, new))


# --- GetCurrentUser ---------------------------------------------------------------------


async def test_current_user_is_the_actor(accounts: Accounts) -> None:
    actor = await signed_in(accounts, "alice")

    view = await accounts.use_cases.get_current_user().execute(actor)

    assert (view.id, view.username, view.role) == (actor.user_id, "alice", Role.USER)


async def test_current_user_that_no_longer_exists_is_an_invalid_token(
    accounts: Accounts,
) -> None:
    actor = await signed_in(accounts, "alice")
    del accounts.table("users")[actor.user_id]

    with pytest.raises(InvalidToken):
        await accounts.use_cases.get_current_user().execute(actor)


# --- ChangePassword ---------------------------------------------------------------------


async def test_wrong_current_password_changes_nothing(accounts: Accounts) -> None:
    actor = await signed_in(accounts, "alice")
    old_hash = accounts.table("users")[actor.user_id].password_hash

    with pytest.raises(WrongCurrentPassword):
        await change(accounts, actor, "not my password", NEW)

    assert accounts.table("users")[actor.user_id].password_hash == old_hash


@pytest.mark.parametrize(
    ("new", "rule"),
    [
        ("short", "min_length"),
        ("z" * 1025, "max_length"),
        ("ALICE-smith", "equals_username"),
        ("password1", "common_password"),
    ],
)
async def test_weak_new_password_names_the_rule_and_changes_nothing(
    accounts: Accounts, new: str, rule: str
) -> None:
    actor = await signed_in(accounts, "alice-smith")
    other = await accounts.sign_in("alice-smith")
    old_hash = accounts.table("users")[actor.user_id].password_hash

    with pytest.raises(WeakPassword) as caught:
        await change(accounts, actor, PASSWORD, new)

    assert caught.value.rule == rule
    assert accounts.table("users")[actor.user_id].password_hash == old_hash
    assert await accounts.actor_for(other)


async def test_new_password_replaces_the_old_one(accounts: Accounts) -> None:
    actor = await signed_in(accounts, "alice")

    await change(accounts, actor, PASSWORD, NEW)

    assert await accounts.sign_in("alice", NEW)
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in("alice", PASSWORD)


async def test_changing_the_password_ends_every_other_session(accounts: Accounts) -> None:
    await accounts.register("alice")
    current_pair = await accounts.sign_in("alice")
    other_pair = await accounts.sign_in("alice")
    current = await accounts.actor_for(current_pair)

    await change(accounts, current, PASSWORD, NEW)

    with pytest.raises(InvalidToken):
        await accounts.actor_for(other_pair)
    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(other_pair.refresh_token)
    # The session that changed the password goes on: both its tokens still work.
    assert await accounts.actor_for(current_pair) == current
    renewed: TokenPair = await accounts.use_cases.refresh_tokens().execute(
        current_pair.refresh_token
    )
    assert (await accounts.actor_for(renewed)).session_id == current.session_id


async def test_changing_the_password_leaves_other_users_sessions_alone(
    accounts: Accounts,
) -> None:
    alice = await signed_in(accounts, "alice")
    await accounts.register("bob")
    bob_pair = await accounts.sign_in("bob")

    await change(accounts, alice, PASSWORD, NEW)

    assert await accounts.actor_for(bob_pair)
    assert await accounts.use_cases.refresh_tokens().execute(bob_pair.refresh_token)


async def test_change_password_for_a_deleted_user_is_an_invalid_token(
    accounts: Accounts,
) -> None:
    actor = await signed_in(accounts, "alice")
    del accounts.table("users")[actor.user_id]

    with pytest.raises(InvalidToken):
        await change(accounts, actor, PASSWORD, NEW)


# --- GetUser / ListUsers ----------------------------------------------------------------


async def test_a_user_can_see_themself(accounts: Accounts) -> None:
    actor = await signed_in(accounts, "alice")

    view = await accounts.use_cases.get_user().execute(actor, actor.user_id)

    assert view.username == "alice"


async def test_another_user_is_not_found_for_a_non_admin(accounts: Accounts) -> None:
    alice = await signed_in(accounts, "alice")
    bob = await accounts.register("bob")

    with pytest.raises(UserNotFound):
        await accounts.use_cases.get_user().execute(alice, bob.id)


async def test_an_admin_can_see_anyone(accounts: Accounts) -> None:
    admin = await signed_in(accounts, "root", Role.ADMIN)
    bob = await accounts.register("bob")

    view = await accounts.use_cases.get_user().execute(admin, bob.id)

    assert (view.id, view.username) == (bob.id, "bob")


async def test_an_unknown_user_is_not_found_even_for_an_admin(accounts: Accounts) -> None:
    admin = await signed_in(accounts, "root", Role.ADMIN)

    with pytest.raises(UserNotFound):
        await accounts.use_cases.get_user().execute(admin, "no-such-user")


async def test_a_non_admin_may_not_list_users(accounts: Accounts) -> None:
    alice = await signed_in(accounts, "alice")

    with pytest.raises(Forbidden):
        await accounts.use_cases.list_users().execute(alice, limit=10, offset=0)


async def test_an_admin_lists_users_by_creation_time_in_pages(accounts: Accounts) -> None:
    admin = await signed_in(accounts, "root", Role.ADMIN)
    for name in ["carol", "alice", "bob"]:
        accounts.clock.advance(seconds=1)
        await accounts.register(name)

    first = await accounts.use_cases.list_users().execute(admin, limit=2, offset=0)
    second = await accounts.use_cases.list_users().execute(admin, limit=2, offset=2)

    assert [u.username for u in first.items] == ["root", "carol"]
    assert [u.username for u in second.items] == ["alice", "bob"]
    assert first.total == second.total == 4
    assert first.next_offset == 2
    assert second.next_offset is None
    assert not hasattr(first.items[0], "password_hash")
