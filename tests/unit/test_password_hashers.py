"""What both argon2 hashers answer alike: in threads of the serving process
(argon2_hasher.py) and in worker processes (argon2_processes.py, spawned once here)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from adapters.security.accounts.argon2_hasher import Argon2Hashing, Argon2PasswordHasher
from adapters.security.accounts.argon2_processes import ProcessPoolPasswordHasher
from tests.unit.conftest import PASSWORD


@pytest.fixture(scope="module")
def process_pool() -> Iterator[ProcessPoolPasswordHasher]:
    hasher = ProcessPoolPasswordHasher("CHEAPEST", workers=1, max_waiting=8)
    yield hasher
    asyncio.run(hasher.close())


@pytest.fixture(params=["threads", "processes"])
def argon2(request: pytest.FixtureRequest) -> Argon2Hashing:
    if request.param == "threads":
        return Argon2PasswordHasher("CHEAPEST")
    pool: ProcessPoolPasswordHasher = request.getfixturevalue("process_pool")
    return pool


async def test_verifies_the_right_password_and_rejects_a_wrong_one(argon2: Argon2Hashing) -> None:
    stored = await argon2.hash(PASSWORD)

    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert await argon2.verify(stored, PASSWORD) is True
    assert await argon2.verify(stored, PASSWORD + "x") is False


async def test_either_verifies_the_others_hashes(argon2: Argon2Hashing) -> None:
    other = Argon2PasswordHasher("CHEAPEST")
    assert await other.verify(await argon2.hash(PASSWORD), PASSWORD)
    assert await argon2.verify(await other.hash(PASSWORD), PASSWORD)


async def test_a_hash_of_the_current_profile_needs_no_rehash(argon2: Argon2Hashing) -> None:
    stored = await argon2.hash(PASSWORD)

    assert not argon2.needs_rehash(stored)
    assert Argon2PasswordHasher("RFC_9106_LOW_MEMORY").needs_rehash(stored)
    assert stored != await argon2.hash(PASSWORD)  # salted: the same password, another hash


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
    argon2: Argon2Hashing, stored: str | None, password: str
) -> None:
    stored = stored if stored is not None else await argon2.hash(PASSWORD)
    assert await argon2.verify(stored, password) is False


async def test_the_dummy_verify_accepts_any_password(argon2: Argon2Hashing) -> None:
    await argon2.verify_dummy(PASSWORD)
    await argon2.verify_dummy("\ud800")  # even one no hash can take
