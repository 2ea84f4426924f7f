"""Roles: admins grant and revoke them (ChangeRole), and a change applies to the user's
next request (Authenticate reads the stored role), on the memory adapters."""

from __future__ import annotations

import typing

import pytest

from application.accounts.dto import ChangeRoleCommand, TokenPair, UserView
from application.shared.actor import Actor
from domain.accounts.errors import LastAdmin, UnknownRole, UserNotFound
from domain.accounts.model import ROLE_NAMES, parse_role
from domain.shared.errors import Forbidden, InvalidId
from domain.shared.roles import Role
from entrypoints.http.accounts.schemas import UserOut
from tests.unit.conftest import Accounts


async def signed_in(accounts: Accounts, username: str, role: Role = Role.USER) -> Actor:
    await accounts.register(username, role=role)
    return await accounts.actor_for(await accounts.sign_in(username))


async def change_role(accounts: Accounts, actor: Actor, user_id: str, role: str) -> UserView:
    command = ChangeRoleCommand(actor, user_id, role)
    return await accounts.use_cases.change_role().execute(command)


def stored_role(accounts: Accounts, user_id: str) -> Role:
    role: Role = accounts.table("users")[user_id].role
    return role


def test_the_roles_are_user_clinician_admin() -> None:
    assert ROLE_NAMES == ("user", "clinician", "admin")
    assert [parse_role(name) for name in ROLE_NAMES] == [Role.USER, Role.CLINICIAN, Role.ADMIN]
    # The response model states the same names.
    assert typing.get_args(UserOut.model_fields["role"].annotation) == ROLE_NAMES


@pytest.mark.parametrize("name", ["", "Admin", "root", "clinician ", "ADMIN"])
def test_an_unknown_role_name_is_refused(name: str) -> None:
    with pytest.raises(UnknownRole):
        parse_role(name)


# --- ChangeRole ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ADMIN, Role.USER])
async def test_an_admin_gives_a_user_a_role(accounts: Accounts, role: Role) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    alice = await accounts.register("alice")

    view = await change_role(accounts, root, alice.id, role.value)

    assert (view.id, view.username, view.role) == (alice.id, "alice", role)
    assert stored_role(accounts, alice.id) is role


async def test_an_admin_revokes_a_role(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    alice = await accounts.register("alice", role=Role.CLINICIAN)

    view = await change_role(accounts, root, alice.id, "user")

    assert view.role is Role.USER
    assert stored_role(accounts, alice.id) is Role.USER


async def test_an_admin_demotes_another_admin(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    boss = await accounts.register("boss", role=Role.ADMIN)

    assert (await change_role(accounts, root, boss.id, "clinician")).role is Role.CLINICIAN


async def test_an_admin_steps_down_while_another_admin_remains(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    await accounts.register("boss", role=Role.ADMIN)

    assert (await change_role(accounts, root, root.user_id, "user")).role is Role.USER


@pytest.mark.parametrize("role", ["user", "clinician"])
async def test_the_last_admin_cannot_step_down(accounts: Accounts, role: str) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    await accounts.register("clara", role=Role.CLINICIAN)

    with pytest.raises(LastAdmin) as refused:
        await change_role(accounts, root, root.user_id, role)

    assert refused.value.code == "last_admin"
    assert stored_role(accounts, root.user_id) is Role.ADMIN


async def test_giving_the_role_a_user_has_changes_nothing(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)  # the only admin

    assert (await change_role(accounts, root, root.user_id, "admin")).role is Role.ADMIN
    assert stored_role(accounts, root.user_id) is Role.ADMIN


@pytest.mark.parametrize("role", [Role.USER, Role.CLINICIAN])
async def test_a_non_admin_may_not_change_their_own_role(accounts: Accounts, role: Role) -> None:
    alice = await signed_in(accounts, "alice", role)

    with pytest.raises(Forbidden):
        await change_role(accounts, alice, alice.user_id, "admin")

    assert stored_role(accounts, alice.user_id) is role


@pytest.mark.parametrize("role", [Role.USER, Role.CLINICIAN])
async def test_to_a_non_admin_others_are_not_found(accounts: Accounts, role: Role) -> None:
    alice = await signed_in(accounts, "alice", role)
    bob = await accounts.register("bob")

    with pytest.raises(UserNotFound) as other:
        await change_role(accounts, alice, bob.id, "clinician")
    with pytest.raises(UserNotFound) as missing:
        await change_role(accounts, alice, "no-such-user", "clinician")

    assert str(other.value).replace(bob.id, "ID") == str(missing.value).replace(
        "no-such-user", "ID"
    )
    assert stored_role(accounts, bob.id) is Role.USER


async def test_an_unknown_user_is_not_found(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)

    with pytest.raises(UserNotFound):
        await change_role(accounts, root, "no-such-user", "clinician")


async def test_bad_input_is_refused_before_anything_else(accounts: Accounts) -> None:
    alice = await signed_in(accounts, "alice")
    root = await signed_in(accounts, "root", Role.ADMIN)

    for actor in (alice, root):
        with pytest.raises(UnknownRole):
            await change_role(accounts, actor, root.user_id, "superuser")
        with pytest.raises(InvalidId):
            await change_role(accounts, actor, "\n", "clinician")


async def test_an_admin_demoted_meanwhile_may_not_change_roles(accounts: Accounts) -> None:
    """The Actor of a request that began before the demotion still says admin: the
    change checks the role under its lock, not the request's."""
    root = await signed_in(accounts, "root", Role.ADMIN)
    boss = await signed_in(accounts, "boss", Role.ADMIN)
    alice = await accounts.register("alice")
    await change_role(accounts, root, boss.user_id, "user")

    with pytest.raises(Forbidden):
        await change_role(accounts, boss, alice.id, "clinician")  # boss's actor is stale

    assert stored_role(accounts, alice.id) is Role.USER


# --- The next request ---------------------------------------------------------------------


async def _pair(accounts: Accounts, username: str, role: Role = Role.USER) -> TokenPair:
    await accounts.register(username, role=role)
    return await accounts.sign_in(username)


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.ADMIN])
async def test_a_granted_role_applies_to_the_next_request(accounts: Accounts, role: Role) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    pair = await _pair(accounts, "alice")
    before = await accounts.actor_for(pair)

    await change_role(accounts, root, before.user_id, role.value)
    after = await accounts.actor_for(pair)  # the same access token

    assert before.role is Role.USER
    assert (after.user_id, after.role, after.session_id) == (
        before.user_id,
        role,
        before.session_id,
    )
    assert after.is_admin is (role is Role.ADMIN)


async def test_a_revoked_role_applies_to_the_next_request(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    pair = await _pair(accounts, "boss", Role.ADMIN)
    boss = await accounts.actor_for(pair)
    assert boss.is_admin

    await change_role(accounts, root, boss.user_id, "user")

    demoted = await accounts.actor_for(pair)
    assert demoted.role is Role.USER
    assert not demoted.is_admin
    with pytest.raises(Forbidden):
        await accounts.use_cases.list_users().execute(demoted, 10, 0)


async def test_a_role_change_keeps_the_sessions(accounts: Accounts) -> None:
    root = await signed_in(accounts, "root", Role.ADMIN)
    pair = await _pair(accounts, "alice")
    alice = await accounts.actor_for(pair)

    await change_role(accounts, root, alice.user_id, "clinician")

    assert accounts.table("sessions")[alice.session_id].revoked_at is None
    refreshed = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)
    assert (await accounts.actor_for(refreshed)).role is Role.CLINICIAN


async def test_the_role_claim_of_a_token_is_not_trusted(accounts: Accounts) -> None:
    """A token whose claim says admin (issued before a demotion, say) gets the stored role."""
    alice = await signed_in(accounts, "alice")
    token = accounts.tokens.issue_access(alice.user_id, Role.ADMIN, alice.session_id).token

    actor = await accounts.use_cases.authenticate().execute(token)

    assert actor.role is Role.USER
