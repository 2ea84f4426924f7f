"""The argon2 adapter itself, and the use cases on it where argon2's own behaviour matters.

The other unit tests use tests/support/fakes.py's FakePasswordHasher.
"""

from __future__ import annotations

import pytest

from adapters.security.accounts.argon2_hasher import Argon2PasswordHasher
from application.accounts.dto import LoginCommand
from tests.unit.conftest import CLIENT, PASSWORD, Accounts


@pytest.fixture
def hasher() -> Argon2PasswordHasher:
    """Overrides the fake of tests/unit/conftest.py: `accounts` hashes with argon2 here."""
    return Argon2PasswordHasher("CHEAPEST")


async def test_stored_password_is_an_argon2id_hash_of_the_password(accounts: Accounts) -> None:
    view = await accounts.register("bob")

    stored = accounts.table("users")[view.id].password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert await accounts.hasher.verify(stored, PASSWORD)
    assert not await accounts.hasher.verify(stored, PASSWORD + "x")


async def test_login_rehashes_a_cheap_hash_to_the_configured_profile(accounts: Accounts) -> None:
    user = await accounts.register("alice")  # hashed with the CHEAPEST profile
    old_hash = accounts.table("users")[user.id].password_hash
    stronger = Argon2PasswordHasher("RFC_9106_LOW_MEMORY")
    assert stronger.needs_rehash(old_hash)

    await accounts.login_with(stronger).execute(LoginCommand("alice", PASSWORD, CLIENT))

    new_hash = accounts.table("users")[user.id].password_hash
    assert new_hash != old_hash
    assert "m=65536,t=3,p=4" in new_hash
    assert not stronger.needs_rehash(new_hash)
    assert await accounts.hasher.verify(new_hash, PASSWORD)


async def test_a_hash_of_the_current_profile_needs_no_rehash(hasher: Argon2PasswordHasher) -> None:
    stored = await hasher.hash(PASSWORD)

    assert not hasher.needs_rehash(stored)
    assert stored != await hasher.hash(PASSWORD)  # salted: the same password, another hash


@pytest.mark.parametrize(
    ("stored", "password"),
    [
        ("not an argon2 hash", PASSWORD),
        ("$argon2id$v=19$m=8,t=1,p=1$garbage", PASSWORD),
        ("", PASSWORD),
        (None, "\ud800 a lone surrogate"),  # None: a real hash, made by the test
    ],
    ids=["plain text", "broken argon2", "empty", "unencodable password"],
)
async def test_verify_is_false_never_an_error_for_odd_input(
    hasher: Argon2PasswordHasher, stored: str | None, password: str
) -> None:
    stored = stored if stored is not None else await hasher.hash(PASSWORD)
    assert await hasher.verify(stored, password) is False


async def test_the_dummy_verify_accepts_any_password(hasher: Argon2PasswordHasher) -> None:
    await hasher.verify_dummy(PASSWORD)
    await hasher.verify_dummy("\ud800")  # even one no hash can take
