"""Guessing one account's password from many addresses is throttled per account, but the
real user is not locked out at an address they have logged in from before."""

from __future__ import annotations

import pytest

from domain.accounts.errors import InvalidCredentials, TooManyLoginAttempts
from tests.unit.conftest import Accounts
from tests.unit.test_login import fail_login

HOME = "192.0.2.10"


def botnet(count: int) -> list[str]:
    return [f"198.51.100.{n}" for n in range(count)]


async def test_twenty_guesses_from_twenty_addresses_block_new_addresses(
    accounts: Accounts,
) -> None:
    await accounts.register("alice")
    for address in botnet(20):
        await fail_login(accounts, client=address)

    with pytest.raises(TooManyLoginAttempts) as blocked:
        await accounts.sign_in("alice", client="203.0.113.99")  # even with the right password
    assert blocked.value.retry_after_seconds > 0


async def test_the_real_user_at_a_known_address_is_not_locked_out(accounts: Accounts) -> None:
    await accounts.register("alice")
    await accounts.sign_in("alice", client=HOME)
    for address in botnet(25):
        with pytest.raises((InvalidCredentials, TooManyLoginAttempts)):
            await accounts.sign_in("alice", "guess", client=address)

    pair = await accounts.sign_in("alice", client=HOME)

    assert await accounts.actor_for(pair)


async def test_a_known_address_still_has_its_own_limit(accounts: Accounts) -> None:
    await accounts.register("alice")
    await accounts.sign_in("alice", client=HOME)
    for _ in range(5):
        await fail_login(accounts, client=HOME)

    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice", client=HOME)


async def test_the_account_limit_lifts_when_the_window_passes(accounts: Accounts) -> None:
    await accounts.register("alice")
    for address in botnet(20):
        await fail_login(accounts, client=address)
    accounts.clock.advance(minutes=16)

    assert await accounts.sign_in("alice", client="203.0.113.99")


async def test_an_address_is_known_only_for_a_while(accounts: Accounts) -> None:
    await accounts.register("alice")
    await accounts.sign_in("alice", client=HOME)
    accounts.clock.advance(days=15)
    for address in botnet(20):
        await fail_login(accounts, client=address)

    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice", client=HOME)


async def test_a_real_login_does_not_refill_the_guessers_allowance(accounts: Accounts) -> None:
    await accounts.register("alice")
    for address in botnet(18):
        await fail_login(accounts, client=address)
    await accounts.sign_in("alice", client=HOME)  # the real user (a 19th attempt), meanwhile

    await fail_login(accounts, client="198.51.100.200")  # the 20th attempt
    with pytest.raises(TooManyLoginAttempts):
        await accounts.sign_in("alice", "guess", client="198.51.100.201")
