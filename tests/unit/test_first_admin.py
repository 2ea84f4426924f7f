"""CASEWORKS_ADMIN_*: the first administrator, made at start-up on any storage."""

from __future__ import annotations

import pytest

from application.accounts.use_cases.registration import CreateFirstAdmin
from domain.accounts.errors import UsernameTaken, WeakPassword
from domain.shared.roles import Role
from tests.unit.conftest import PASSWORD, Accounts


def create_first_admin(accounts: Accounts) -> CreateFirstAdmin:
    return accounts.use_cases.create_first_admin()


async def test_the_first_admin_is_created_when_there_is_none(accounts: Accounts) -> None:
    await accounts.register("alice")

    admin = await create_first_admin(accounts).execute("root", PASSWORD)

    assert admin is not None
    assert admin.role is Role.ADMIN
    assert (await accounts.actor_for(await accounts.sign_in("root"))).is_admin


async def test_nothing_happens_once_an_admin_exists(accounts: Accounts) -> None:
    await accounts.register("boss", role=Role.ADMIN)

    assert await create_first_admin(accounts).execute("root", PASSWORD) is None
    assert await create_first_admin(accounts).execute("boss", PASSWORD) is None
    assert accounts.table("user_ids_by_name").keys() == {"boss"}


async def test_the_password_meets_the_same_rules(accounts: Accounts) -> None:
    with pytest.raises(WeakPassword):
        await create_first_admin(accounts).execute("root", "password")
    assert not accounts.table("users")


async def test_a_taken_username_without_any_admin_is_an_error(accounts: Accounts) -> None:
    await accounts.register("root")

    with pytest.raises(UsernameTaken):
        await create_first_admin(accounts).execute("root", PASSWORD)
