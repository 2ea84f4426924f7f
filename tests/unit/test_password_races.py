"""A password change racing a login or another change: the verified password must still
be the password when the session or the new hash is written (compare-and-set)."""

from __future__ import annotations

import asyncio

import pytest

from application.accounts.dto import ChangePasswordCommand, LoginCommand
from domain.accounts.errors import InvalidCredentials, WrongCurrentPassword
from tests.support.fakes import FakePasswordHasher
from tests.unit.conftest import CLIENT, PASSWORD, Accounts

NEW = "a brand new passphrase 42"


class PausingHasher(FakePasswordHasher):
    """Verifies, then waits until the test lets it go on: the window between a password
    check and the write that relies on it."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = asyncio.Event()
        self.go_on = asyncio.Event()

    async def verify(self, password_hash: str, password: str) -> bool:
        result = await super().verify(password_hash, password)
        self.verified.set()
        await self.go_on.wait()
        return result


async def test_a_login_verified_before_a_password_change_opens_no_session(
    accounts: Accounts,
) -> None:
    await accounts.register("alice")
    holder = await accounts.actor_for(await accounts.sign_in("alice"))
    pausing = PausingHasher()
    login = asyncio.create_task(
        accounts.login_with(pausing).execute(LoginCommand("alice", PASSWORD, CLIENT))
    )
    await pausing.verified.wait()
    await accounts.use_cases.change_password().execute(ChangePasswordCommand(holder, PASSWORD, NEW))
    pausing.go_on.set()

    with pytest.raises(InvalidCredentials):
        await login
    sessions = [s for s in accounts.table("sessions").values() if s.revoked_at is None]
    assert [s.id for s in sessions] == [holder.session_id]


async def test_of_two_racing_password_changes_only_one_wins(accounts: Accounts) -> None:
    await accounts.register("alice")
    actor = await accounts.actor_for(await accounts.sign_in("alice"))
    pausing = PausingHasher()
    accounts.hasher = pausing
    first = asyncio.create_task(
        accounts.use_cases.change_password().execute(ChangePasswordCommand(actor, PASSWORD, NEW))
    )
    await pausing.verified.wait()
    accounts.hasher = FakePasswordHasher()
    other = "another fresh passphrase 7"
    await accounts.use_cases.change_password().execute(
        ChangePasswordCommand(actor, PASSWORD, other)
    )
    pausing.go_on.set()

    with pytest.raises(WrongCurrentPassword):
        await first
    assert await accounts.sign_in("alice", other)
