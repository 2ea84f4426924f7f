from __future__ import annotations

import dataclasses

import pytest

from application.accounts.dto import RegisterCommand
from domain.accounts.errors import InvalidEmail, InvalidUsername, UsernameTaken, WeakPassword
from domain.shared.roles import Role
from tests.unit.conftest import PASSWORD, Accounts


@pytest.mark.parametrize("username", ["abc", "a" * 32, "Alice_01", "first.last", "x-y_z.9"])
async def test_valid_usernames_register(accounts: Accounts, username: str) -> None:
    view = await accounts.register(username)

    assert view.username == username
    assert username.casefold() in accounts.table("user_ids_by_name")


@pytest.mark.parametrize(
    "username", ["ab", "a" * 33, "", "has space", "at@sign", "émile", "semi;colon", "abc\n"]
)
async def test_invalid_usernames_are_refused_and_nothing_is_stored(
    accounts: Accounts, username: str
) -> None:
    with pytest.raises(InvalidUsername):
        await accounts.register(username)

    assert accounts.table("users") == {}


async def test_usernames_are_unique_regardless_of_case(accounts: Accounts) -> None:
    await accounts.register("Alice")

    with pytest.raises(UsernameTaken):
        await accounts.register("aLICE", "another good passphrase")

    assert len(accounts.table("users")) == 1


async def test_username_keeps_its_spelling_but_is_indexed_casefolded(accounts: Accounts) -> None:
    view = await accounts.register("MixedCase")

    assert view.username == "MixedCase"
    assert accounts.table("user_ids_by_name") == {"mixedcase": view.id}


@pytest.mark.parametrize("email", ["a@example.org", "first.last+tag@mail.example.co.uk"])
async def test_valid_email_is_kept(accounts: Accounts, email: str) -> None:
    view = await accounts.use_cases.register_user().execute(
        RegisterCommand("bob", PASSWORD, email=email)
    )

    assert view.email == email
    assert accounts.table("users")[view.id].email == email


@pytest.mark.parametrize(
    "email",
    [
        "no-at-sign.example.org",
        "two@@example.org",
        "a@b@example.org",
        "spaces in@example.org",
        "nodot@localhost",
        "@example.org",
        "a" * 65 + "@example.org",
        "a@" + "b" * 250 + ".org",
    ],
)
async def test_invalid_email_is_refused(accounts: Accounts, email: str) -> None:
    with pytest.raises(InvalidEmail):
        await accounts.use_cases.register_user().execute(
            RegisterCommand("bob", PASSWORD, email=email)
        )

    assert accounts.table("users") == {}


async def test_email_is_optional(accounts: Accounts) -> None:
    view = await accounts.register("bob")

    assert view.email is None


@pytest.mark.parametrize(
    ("username", "password", "rule"),
    [
        ("bob", "short7!", "min_length"),
        ("bob", "x" * 1025, "max_length"),
        ("LongUserName", "longusername", "equals_username"),
        ("longusername", "LONGUSERNAME", "equals_username"),
        ("bob", "password1", "common_password"),
        ("bob", "Qwerty123", "common_password"),
        ("bob", "ILOVEYOU", "common_password"),
    ],
)
async def test_weak_passwords_name_the_rule_they_break(
    accounts: Accounts, username: str, password: str, rule: str
) -> None:
    with pytest.raises(WeakPassword) as caught:
        await accounts.register(username, password)

    assert caught.value.rule == rule
    assert caught.value.extra == {"rule": rule}
    assert accounts.table("users") == {}


@pytest.mark.parametrize("password", ["8chars!x", "y" * 1024])
async def test_password_length_bounds_are_inclusive(accounts: Accounts, password: str) -> None:
    view = await accounts.register("bob", password)

    assert view.id in accounts.table("users")


async def test_register_returns_a_view_without_the_hash(accounts: Accounts) -> None:
    view = await accounts.register("bob")

    fields = {f.name for f in dataclasses.fields(view)}
    assert fields == {"id", "username", "email", "role", "created_at"}
    assert view.created_at == accounts.clock.now()


async def test_stored_password_is_the_hashers_hash_of_the_password(accounts: Accounts) -> None:
    """What the port's hash returned is stored; argon2 itself: test_argon2_hasher.py."""
    view = await accounts.register("bob")

    stored = accounts.table("users")[view.id].password_hash
    assert stored != PASSWORD
    assert await accounts.hasher.verify(stored, PASSWORD)
    assert not await accounts.hasher.verify(stored, PASSWORD + "x")


async def test_role_defaults_to_user(accounts: Accounts) -> None:
    view = await accounts.register("bob")

    assert view.role is Role.USER
    assert accounts.table("users")[view.id].role is Role.USER


async def test_an_admin_can_be_registered_explicitly(accounts: Accounts) -> None:
    view = await accounts.register("root", role=Role.ADMIN)

    assert view.role is Role.ADMIN
    assert accounts.table("users")[view.id].is_admin


async def test_each_user_gets_its_own_id(accounts: Accounts) -> None:
    first = await accounts.register("alice")
    second = await accounts.register("bob")

    assert first.id != second.id
    assert set(accounts.table("users")) == {first.id, second.id}
