"""UserRepository contract: every adapter behaves like this collection of users."""

from __future__ import annotations

import pytest

from domain.accounts.errors import UsernameTaken
from domain.shared.roles import Role
from tests.contract.builders import add_users, assert_utc, at, new_user
from tests.support.storage import Uows


async def test_add_then_get_returns_every_field(uows: Uows) -> None:
    user = new_user("Alice", role=Role.ADMIN, email="alice@example.org", created_at=at(1.5))
    await add_users(uows, user)

    async with uows.accounts().write() as uow:
        loaded = await uow.users.get(user.id)

    assert loaded is not None
    assert loaded.id == user.id
    assert loaded.username.value == "Alice"  # the spelling the user chose is kept
    assert loaded.password_hash == "hash-of-Alice"
    assert loaded.role is Role.ADMIN
    assert loaded.email == "alice@example.org"
    assert_utc(loaded.created_at, at(1.5))


async def test_get_by_canonical_username(uows: Uows) -> None:
    await add_users(uows, new_user("Bob.Smith", user_id="u-bob"), new_user("carol"))

    async with uows.accounts().write() as uow:
        found = await uow.users.get_by_username("bob.smith")
        other = await uow.users.get_by_username("carol")

    assert found is not None
    assert found.id == "u-bob"
    assert found.username.value == "Bob.Smith"
    assert found.email is None
    assert other is not None
    assert other.id == "u-carol"


async def test_unknown_user_is_none(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))

    async with uows.accounts().write() as uow:
        assert await uow.users.get("no-such-id") is None
        assert await uow.users.get_by_username("nobody") is None


@pytest.mark.parametrize("second", ["ALICE", "alice", "aLiCe"])
async def test_duplicate_canonical_username_is_taken(uows: Uows, second: str) -> None:
    await add_users(uows, new_user("Alice", user_id="u-first"))

    async with uows.accounts().write() as uow:
        with pytest.raises(UsernameTaken):
            await uow.users.add(new_user(second, user_id="u-second"))

    async with uows.accounts().write() as uow:
        assert await uow.users.get("u-second") is None
        kept = await uow.users.get_by_username("alice")
    assert kept is not None
    assert kept.id == "u-first"


async def test_duplicate_inside_one_unit_of_work_is_taken(uows: Uows) -> None:
    async with uows.accounts().write() as uow:
        await uow.users.add(new_user("Dave", user_id="u-1"))
        with pytest.raises(UsernameTaken):
            await uow.users.add(new_user("DAVE", user_id="u-2"))


async def test_list_pages_by_created_at_then_id_with_total(uows: Uows) -> None:
    # Added out of order; "u-b" and "u-a" share a creation time, so the id breaks the tie.
    await add_users(
        uows,
        new_user("eve", user_id="u-e", created_at=at(3)),
        new_user("bob", user_id="u-b", created_at=at(1)),
        new_user("dan", user_id="u-d", created_at=at(0)),
        new_user("ann", user_id="u-a", created_at=at(1)),
        new_user("cat", user_id="u-c", created_at=at(2)),
    )

    async with uows.accounts().write() as uow:
        everyone, total = await uow.users.list(limit=10, offset=0)
        page, page_total = await uow.users.list(limit=2, offset=1)
        beyond, beyond_total = await uow.users.list(limit=2, offset=5)

    assert [u.id for u in everyone] == ["u-d", "u-a", "u-b", "u-c", "u-e"]
    assert total == 5
    assert [u.id for u in page] == ["u-a", "u-b"]
    assert page_total == 5
    assert list(beyond) == []
    assert beyond_total == 5
    for user in everyone:
        assert user.created_at.utcoffset() is not None


async def test_update_password_hash_changes_only_that_user(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("bob"))

    async with uows.accounts().write() as uow:
        await uow.users.update_password_hash("u-alice", "new-hash")
        await uow.commit()

    async with uows.accounts().write() as uow:
        alice = await uow.users.get("u-alice")
        bob = await uow.users.get("u-bob")
    assert alice is not None
    assert alice.password_hash == "new-hash"
    assert alice.username.value == "alice"
    assert_utc(alice.created_at, at(0))
    assert bob is not None
    assert bob.password_hash == "hash-of-bob"


async def test_update_password_hash_of_unknown_user_creates_nothing(
    uows: Uows,
) -> None:
    await add_users(uows, new_user("alice"))

    async with uows.accounts().write() as uow:
        await uow.users.update_password_hash("u-ghost", "new-hash")
        await uow.commit()

    async with uows.accounts().write() as uow:
        assert await uow.users.get("u-ghost") is None
        _, total = await uow.users.list(limit=10, offset=0)
    assert total == 1


async def test_any_with_role(uows: Uows) -> None:
    async with uows.accounts().write() as uow:
        assert not await uow.users.any_with_role(Role.ADMIN)
    await add_users(uows, new_user("alice"))

    async with uows.accounts().write() as uow:
        assert await uow.users.any_with_role(Role.USER)
        assert not await uow.users.any_with_role(Role.ADMIN)
    await add_users(uows, new_user("root", role=Role.ADMIN))

    async with uows.accounts().write() as uow:
        assert await uow.users.any_with_role(Role.ADMIN)


async def test_update_password_hash_can_be_conditional(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))

    async with uows.accounts().write() as uow:
        assert not await uow.users.update_password_hash("u-alice", "h2", replaces="stale")
        assert await uow.users.update_password_hash("u-alice", "h2", replaces="hash-of-alice")
        assert not await uow.users.update_password_hash("u-ghost", "h3", replaces="h2")
        await uow.commit()

    async with uows.accounts().read() as uow:
        alice = await uow.users.get("u-alice")
    assert alice is not None
    assert alice.password_hash == "h2"


async def test_get_for_update_then_save_changes_the_role(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("bob"))

    async with uows.accounts().write() as uow:
        assert await uow.users.get_for_update("u-ghost") is None
        alice = await uow.users.get_for_update("u-alice")
        assert alice is not None
        assert alice.role is Role.USER
        alice.role = Role.CLINICIAN
        await uow.users.save(alice)
        await uow.commit()

    async with uows.accounts().read() as uow:
        saved = await uow.users.get("u-alice")
        bob = await uow.users.get("u-bob")
    assert saved is not None
    assert saved.role is Role.CLINICIAN
    assert (saved.username.value, saved.password_hash) == ("alice", "hash-of-alice")
    assert_utc(saved.created_at, at(0))
    assert bob is not None
    assert bob.role is Role.USER


async def test_a_saved_role_is_rolled_back_without_commit(uows: Uows) -> None:
    await add_users(uows, new_user("alice"))

    async with uows.accounts().write() as uow:
        alice = await uow.users.get_for_update("u-alice")
        assert alice is not None
        alice.role = Role.ADMIN
        await uow.users.save(alice)

    async with uows.accounts().read() as uow:
        kept = await uow.users.get("u-alice")
    assert kept is not None
    assert kept.role is Role.USER


async def test_ids_with_role_for_update(uows: Uows) -> None:
    await add_users(
        uows,
        new_user("root", role=Role.ADMIN),
        new_user("boss", role=Role.ADMIN),
        new_user("clara", role=Role.CLINICIAN),
        new_user("alice"),
    )

    async with uows.accounts().write() as uow:
        admins = await uow.users.ids_with_role_for_update(Role.ADMIN)
        clinicians = await uow.users.ids_with_role_for_update(Role.CLINICIAN)
        boss = await uow.users.get_for_update("u-boss")  # already held: no self-deadlock
        assert boss is not None
        boss.role = Role.USER
        await uow.users.save(boss)
        await uow.commit()

    assert admins == {"u-root", "u-boss"}
    assert clinicians == {"u-clara"}
    async with uows.accounts().write() as uow:
        assert await uow.users.ids_with_role_for_update(Role.ADMIN) == {"u-root"}
        assert await uow.users.ids_with_role_for_update(Role.USER) == {"u-alice", "u-boss"}
