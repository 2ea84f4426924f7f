"""The use cases on the argon2 adapter where argon2's own behaviour matters; what both
argon2 hashers answer alike is in test_password_hashers.py.

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
