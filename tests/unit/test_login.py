from __future__ import annotations

from datetime import timedelta

import pytest

from application.accounts.dto import LoginCommand
from application.accounts.ports import PasswordHasherBusy
from domain.accounts.errors import InvalidCredentials, TooManyLoginAttempts
from tests.support.fakes import FakePasswordHasher
from tests.unit.conftest import CLIENT, PASSWORD, Accounts

WRONG = "not the password at all"


async def fail_login(accounts: Accounts, username: str = "alice", client: str = CLIENT) -> None:
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in(username, WRONG, client)


async def test_login_opens_a_session_and_returns_a_token_pair(accounts: Accounts) -> None:
    user = await accounts.register("alice")

    pair = await accounts.sign_in("alice")

    assert pair.expires_in == 15 * 60
    assert pair.refresh_token
    actor = await accounts.actor_for(pair)
    assert actor.user_id == user.id
    session = accounts.table("sessions")[actor.session_id]
    assert session.user_id == user.id
    assert session.expires_at == accounts.clock.now() + timedelta(days=14)
    token_hash = accounts.tokens.hash_refresh_token(pair.refresh_token)
    assert accounts.table("refresh_tokens")[token_hash].session_id == session.id
    assert pair.refresh_token not in accounts.table("refresh_tokens")


async def test_login_ignores_the_case_of_the_username(accounts: Accounts) -> None:
    user = await accounts.register("Alice")

    pair = await accounts.sign_in("aLiCe")

    assert (await accounts.actor_for(pair)).user_id == user.id


async def test_each_login_is_its_own_session(accounts: Accounts) -> None:
    await accounts.register("alice")

    first = await accounts.actor_for(await accounts.sign_in("alice"))
    second = await accounts.actor_for(await accounts.sign_in("alice"))

    assert first.session_id != second.session_id
    assert len(accounts.table("sessions")) == 2


async def test_unknown_user_and_wrong_password_fail_alike(accounts: Accounts) -> None:
    await accounts.register("alice")

    with pytest.raises(InvalidCredentials) as unknown:
        await accounts.sign_in("nobody", PASSWORD)
    with pytest.raises(InvalidCredentials) as wrong:
        await accounts.sign_in("alice", WRONG)

    assert type(unknown.value) is type(wrong.value)
    assert unknown.value.detail == wrong.value.detail
    assert unknown.value.extra == wrong.value.extra
    assert accounts.table("sessions") == {}


async def test_an_unknown_user_still_costs_a_password_check(accounts: Accounts) -> None:
    """The dummy verify keeps an unknown name from answering faster than a wrong password."""
    hasher = accounts.hasher
    assert isinstance(hasher, FakePasswordHasher)
    await accounts.register("alice")

    with pytest.raises(InvalidCredentials):
        await accounts.sign_in("nobody", PASSWORD)
    assert hasher.dummy_verifies == 1
    with pytest.raises(InvalidCredentials):
        await accounts.sign_in("alice", WRONG)
    assert hasher.dummy_verifies == 1  # a known user's own hash was checked instead


class BusyHasher(FakePasswordHasher):
    """A hasher whose waiting line is full (the process pool's, in a login flood)."""

    busy = True

    def is_busy(self) -> bool:
        return self.busy


async def test_a_login_refused_because_the_hasher_is_busy_costs_no_attempt(
    accounts: Accounts,
) -> None:
    await accounts.register("alice")
    busy = BusyHasher()
    for _ in range(10):  # past the throttle's five, had they counted
        with pytest.raises(PasswordHasherBusy):
            await accounts.login_with(busy).execute(LoginCommand("alice", PASSWORD, CLIENT))

    busy.busy = False
    await accounts.login_with(busy).execute(LoginCommand("alice", PASSWORD, CLIENT))


async def test_five_failures_block_even_the_right_password(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(5):
        await fail_login(accounts)

    with pytest.raises(TooManyLoginAttempts) as caught:
        await accounts.sign_in("alice", PASSWORD)

    assert 0 < caught.value.retry_after_seconds <= 15 * 60
    assert caught.value.extra == {"retry_after": caught.value.retry_after_seconds}
    assert accounts.table("sessions") == {}


async def test_four_failures_do_not_block(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(4):
        await fail_login(accounts)

    pair = await accounts.sign_in("alice")

    assert await accounts.actor_for(pair)


async def test_unknown_usernames_are_throttled_too(accounts: Accounts) -> None:
    for _ in range(5):
        await fail_login(accounts, "nobody")

    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("nobody", WRONG)


async def test_throttle_counts_the_username_without_regard_to_case(accounts: Accounts) -> None:
    await accounts.register("alice")
    for name in ["alice", "ALICE", "Alice", "aLice", "alicE"]:
        await fail_login(accounts, name)

    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice")


async def test_another_client_address_is_not_blocked(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(5):
        await fail_login(accounts, client="198.51.100.1")

    pair = await accounts.sign_in("alice", client="198.51.100.2")

    assert await accounts.actor_for(pair)
    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice", client="198.51.100.1")


async def test_another_username_from_the_same_client_is_not_blocked(accounts: Accounts) -> None:
    await accounts.register("alice")
    await accounts.register("bob")
    for _ in range(5):
        await fail_login(accounts, "alice")

    assert await accounts.sign_in("bob")


async def test_a_successful_login_resets_the_count(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(4):
        await fail_login(accounts)
    await accounts.sign_in("alice")
    for _ in range(4):
        await fail_login(accounts)

    assert await accounts.sign_in("alice")


async def test_the_block_ends_when_the_window_passes(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(5):
        await fail_login(accounts)
    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice")

    accounts.clock.advance(minutes=16)

    pair = await accounts.sign_in("alice")
    assert accounts.tokens.hash_refresh_token(pair.refresh_token) in accounts.table(
        "refresh_tokens"
    )


async def test_retry_after_counts_down_with_the_clock(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(5):
        await fail_login(accounts)

    with pytest.raises(TooManyLoginAttempts) as first:
        await accounts.sign_in("alice")
    accounts.clock.advance(minutes=10)
    with pytest.raises(TooManyLoginAttempts) as later:
        await accounts.sign_in("alice")

    assert first.value.retry_after_seconds == 15 * 60
    assert later.value.retry_after_seconds == 5 * 60


async def test_failures_older_than_the_window_do_not_count(accounts: Accounts) -> None:
    await accounts.register("alice")
    for _ in range(4):
        await fail_login(accounts)
    accounts.clock.advance(minutes=16)
    await fail_login(accounts)

    assert await accounts.sign_in("alice")


async def test_login_rehashes_when_the_hash_parameters_change(accounts: Accounts) -> None:
    user = await accounts.register("alice")  # hashed by the fake hasher's version v1
    old_hash = accounts.table("users")[user.id].password_hash
    newer = FakePasswordHasher(version="v2")
    assert newer.needs_rehash(old_hash)

    await accounts.login_with(newer).execute(LoginCommand("alice", PASSWORD, CLIENT))

    new_hash = accounts.table("users")[user.id].password_hash
    assert new_hash != old_hash
    assert not newer.needs_rehash(new_hash)
    assert await newer.verify(new_hash, PASSWORD)
    # The new hash is the one checked from now on: the password still logs in, and
    # the next login with the same parameters leaves it alone.
    await accounts.login_with(newer).execute(LoginCommand("alice", PASSWORD, CLIENT))
    assert accounts.table("users")[user.id].password_hash == new_hash


async def test_a_failed_login_rehashes_nothing(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    old_hash = accounts.table("users")[user.id].password_hash

    with pytest.raises(InvalidCredentials):
        await accounts.login_with(FakePasswordHasher(version="v2")).execute(
            LoginCommand("alice", WRONG, CLIENT)
        )

    assert accounts.table("users")[user.id].password_hash == old_hash


async def test_login_keeps_a_hash_whose_parameters_are_current(accounts: Accounts) -> None:
    user = await accounts.register("alice")
    old_hash = accounts.table("users")[user.id].password_hash

    await accounts.sign_in("alice")

    assert accounts.table("users")[user.id].password_hash == old_hash
