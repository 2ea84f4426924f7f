from __future__ import annotations

import pytest

from domain.accounts.errors import InvalidToken
from domain.shared.roles import Role
from tests.support.fakes import FakeTokenService
from tests.unit.conftest import Accounts


async def test_a_valid_access_token_names_the_actor(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    pair = await accounts.sign_in("alice")

    actor = await accounts.actor_for(pair)

    assert actor.user_id == user.id
    assert actor.role is Role.USER
    assert not actor.is_admin
    assert actor.session_id in accounts.table("sessions")


async def test_an_admin_token_names_an_admin(accounts: Accounts) -> None:
    await accounts.register("root", role=Role.ADMIN)

    actor = await accounts.actor_for(await accounts.sign_in("root"))

    assert actor.role is Role.ADMIN
    assert actor.is_admin


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
async def test_malformed_access_tokens_are_refused(accounts: Accounts, token: str) -> None:
    with pytest.raises(InvalidToken):
        await accounts.use_cases.authenticate().execute(token)


async def test_a_token_for_a_session_of_another_user_is_refused(accounts: Accounts) -> None:
    await accounts.register("alice")
    bob = await accounts.register("bob")
    alice_session = (await accounts.actor_for(await accounts.sign_in("alice"))).session_id
    mixed = accounts.tokens.issue_access(bob.id, Role.USER, alice_session).token

    with pytest.raises(InvalidToken):
        await accounts.use_cases.authenticate().execute(mixed)


async def test_a_token_for_an_unknown_session_is_refused(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    token = accounts.tokens.issue_access(user.id, Role.USER, "no-such-session").token

    with pytest.raises(InvalidToken):
        await accounts.use_cases.authenticate().execute(token)


async def test_logout_ends_the_access_token_of_that_session(accounts: Accounts) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    actor = await accounts.actor_for(pair)

    await accounts.use_cases.logout().execute(actor)

    assert accounts.table("sessions")[actor.session_id].revoked_at == accounts.clock.now()
    with pytest.raises(InvalidToken):
        await accounts.actor_for(pair)
    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)


async def test_logout_leaves_other_sessions_alone(accounts: Accounts) -> None:
    await accounts.register("alice")
    first = await accounts.sign_in("alice")
    second = await accounts.sign_in("alice")

    await accounts.use_cases.logout().execute(await accounts.actor_for(first))

    assert await accounts.actor_for(second)
    assert await accounts.use_cases.refresh_tokens().execute(second.refresh_token)


async def test_an_expired_session_refuses_its_tokens(accounts: Accounts) -> None:
    # A long-lived access token, so only the session's expiry can refuse it.
    accounts.tokens = FakeTokenService(accounts.clock, access_token_minutes=60 * 24 * 30)
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    accounts.clock.advance(days=13, hours=23)
    assert await accounts.actor_for(pair)

    accounts.clock.advance(hours=1)

    with pytest.raises(InvalidToken):
        await accounts.actor_for(pair)
    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)


async def test_an_expired_access_token_is_refused_but_its_session_refreshes(
    accounts: Accounts,
) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")

    accounts.clock.advance(minutes=16)

    with pytest.raises(InvalidToken):
        await accounts.actor_for(pair)
    renewed = await accounts.use_cases.refresh_tokens().execute(
        pair.refresh_token
    )  # the session lives on
    assert await accounts.actor_for(renewed)


async def test_refresh_returns_a_new_pair_in_the_same_session(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    session_id = (await accounts.actor_for(pair)).session_id

    renewed = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)

    assert renewed.refresh_token != pair.refresh_token
    assert renewed.access_token != pair.access_token
    assert renewed.expires_in == 15 * 60
    actor = await accounts.actor_for(renewed)
    assert (actor.user_id, actor.session_id) == (user.id, session_id)
    old = accounts.table("refresh_tokens")[accounts.tokens.hash_refresh_token(pair.refresh_token)]
    assert old.used_at == accounts.clock.now()


async def test_a_rotated_refresh_token_can_be_rotated_again(accounts: Accounts) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")

    second = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)
    third = await accounts.use_cases.refresh_tokens().execute(second.refresh_token)

    assert await accounts.actor_for(third)


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    accounts: Accounts,
) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    renewed = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)
    session_id = (await accounts.actor_for(renewed)).session_id

    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)

    assert accounts.table("sessions")[session_id].revoked_at is not None
    with pytest.raises(InvalidToken):
        await accounts.actor_for(renewed)
    with pytest.raises(InvalidToken):
        await accounts.actor_for(pair)
    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(renewed.refresh_token)


async def test_reuse_in_one_session_leaves_other_sessions_alone(accounts: Accounts) -> None:
    await accounts.register("alice")
    stolen = await accounts.sign_in("alice")
    other = await accounts.sign_in("alice")
    await accounts.use_cases.refresh_tokens().execute(stolen.refresh_token)

    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(stolen.refresh_token)

    assert await accounts.actor_for(other)
    assert await accounts.use_cases.refresh_tokens().execute(other.refresh_token)


async def test_an_unknown_refresh_token_is_refused(accounts: Accounts) -> None:
    await accounts.register("alice")
    await accounts.sign_in("alice")
    tokens_before = dict(accounts.table("refresh_tokens"))

    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(accounts.tokens.new_refresh_token())

    assert accounts.table("refresh_tokens") == tokens_before


async def test_an_access_token_is_not_a_refresh_token(accounts: Accounts) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")

    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(pair.access_token)


async def test_refresh_carries_the_role(accounts: Accounts) -> None:
    await accounts.register("root", role=Role.ADMIN)
    pair = await accounts.sign_in("root")

    renewed = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)

    assert (await accounts.actor_for(renewed)).is_admin


async def test_sessions_expire_after_the_policy_days(accounts: Accounts) -> None:
    await accounts.register("alice")
    pair = await accounts.sign_in("alice")
    accounts.clock.advance(days=13)
    renewed = await accounts.use_cases.refresh_tokens().execute(pair.refresh_token)

    accounts.clock.advance(days=1, seconds=1)

    # Rotation does not extend the session: its family ends 14 days after the login.
    with pytest.raises(InvalidToken):
        await accounts.use_cases.refresh_tokens().execute(renewed.refresh_token)
