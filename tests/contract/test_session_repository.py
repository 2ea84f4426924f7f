"""SessionRepository contract: login sessions and their refresh tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.shared.roles import Role
from tests.contract.builders import (
    add_users,
    assert_utc,
    at,
    new_session,
    new_token,
    new_user,
)
from tests.support.storage import Uows


async def _setup(uows: Uows, *sessions: tuple[str, str]) -> None:
    """Users alice and bob, then the given (session id, user id) pairs."""
    await add_users(uows, new_user("alice"), new_user("bob"))
    async with uows.accounts().write() as uow:
        for session_id, user_id in sessions:
            await uow.sessions.add(new_session(session_id, user_id, created_at=at(1)))
        await uow.commit()


async def _revoked_at(uows: Uows, *session_ids: str) -> dict[str, datetime | None]:
    async with uows.accounts().write() as uow:
        found = {sid: await uow.sessions.get(sid) for sid in session_ids}
    assert all(s is not None for s in found.values())
    return {sid: s.revoked_at for sid, s in found.items() if s is not None}


async def test_add_then_get_session(uows: Uows) -> None:
    await _setup(uows, ("s-1", "u-alice"))

    async with uows.accounts().write() as uow:
        session = await uow.sessions.get("s-1")
        missing = await uow.sessions.get("s-unknown")

    assert missing is None
    assert session is not None
    assert session.id == "s-1"
    assert session.user_id == "u-alice"
    assert_utc(session.created_at, at(1))
    assert_utc(session.expires_at, at(1) + timedelta(days=30))
    assert session.revoked_at is None
    assert session.is_active(at(2))


async def test_revoke_is_idempotent_and_keeps_first_time(uows: Uows) -> None:
    await _setup(uows, ("s-1", "u-alice"), ("s-2", "u-alice"))

    async with uows.accounts().write() as uow:
        await uow.sessions.revoke("s-1", at(5))
        await uow.commit()
    async with uows.accounts().write() as uow:
        await uow.sessions.revoke("s-1", at(9))
        await uow.sessions.revoke("s-unknown", at(9))  # no error, nothing created
        await uow.commit()

    revoked = await _revoked_at(uows, "s-1", "s-2")
    assert_utc(revoked["s-1"], at(5))
    assert revoked["s-2"] is None
    async with uows.accounts().write() as uow:
        assert await uow.sessions.get("s-unknown") is None


async def test_revoke_all_for_user_leaves_other_users_alone(uows: Uows) -> None:
    await _setup(
        uows, ("s-a1", "u-alice"), ("s-a2", "u-alice"), ("s-a3", "u-alice"), ("s-b", "u-bob")
    )
    async with uows.accounts().write() as uow:
        await uow.sessions.revoke("s-a3", at(2))
        await uow.commit()

    async with uows.accounts().write() as uow:
        await uow.sessions.revoke_all_for_user("u-alice", at(7))
        await uow.commit()

    revoked = await _revoked_at(uows, "s-a1", "s-a2", "s-a3", "s-b")
    assert_utc(revoked["s-a1"], at(7))
    assert_utc(revoked["s-a2"], at(7))
    assert_utc(revoked["s-a3"], at(2))  # first revocation kept
    assert revoked["s-b"] is None


async def test_revoke_all_for_user_except_one_session(uows: Uows) -> None:
    await _setup(uows, ("s-a1", "u-alice"), ("s-a2", "u-alice"), ("s-b", "u-bob"))

    async with uows.accounts().write() as uow:
        await uow.sessions.revoke_all_for_user("u-alice", at(7), except_session_id="s-a2")
        await uow.commit()

    revoked = await _revoked_at(uows, "s-a1", "s-a2", "s-b")
    assert_utc(revoked["s-a1"], at(7))
    assert revoked["s-a2"] is None
    assert revoked["s-b"] is None


async def test_refresh_token_add_get_for_update_and_mark_used(uows: Uows) -> None:
    await _setup(uows, ("s-1", "u-alice"))

    async with uows.accounts().write() as uow:
        await uow.sessions.add_token(new_token("h" * 64, "s-1", issued_at=at(1)))
        await uow.sessions.add_token(new_token("k" * 64, "s-1", issued_at=at(2)))
        await uow.commit()

    async with uows.accounts().write() as uow:
        token = await uow.sessions.get_token_for_update("h" * 64)
        assert await uow.sessions.get_token_for_update("x" * 64) is None
        assert token is not None
        assert token.session_id == "s-1"
        assert_utc(token.issued_at, at(1))
        assert token.used_at is None
        assert not token.was_rotated
        await uow.sessions.mark_token_used("h" * 64, at(3))
        await uow.commit()

    async with uows.accounts().write() as uow:
        used = await uow.sessions.get_token_for_update("h" * 64)
        fresh = await uow.sessions.get_token_for_update("k" * 64)
    assert used is not None
    assert used.was_rotated
    assert_utc(used.used_at, at(3))
    assert fresh is not None
    assert fresh.used_at is None


async def test_get_with_role_reads_the_session_and_its_users_role_now(uows: Uows) -> None:
    await _setup(uows, ("s-1", "u-alice"), ("s-2", "u-bob"))
    async with uows.accounts().write() as uow:
        await uow.sessions.revoke("s-2", at(3))
        await uow.commit()

    async with uows.accounts().read() as uow:
        found = await uow.sessions.get_with_role("s-1")
        revoked = await uow.sessions.get_with_role("s-2")
        missing = await uow.sessions.get_with_role("s-unknown")

    assert missing is None
    assert found is not None
    session, role = found
    assert (session.id, session.user_id, role) == ("s-1", "u-alice", Role.USER)
    assert_utc(session.created_at, at(1))
    assert_utc(session.expires_at, at(1) + timedelta(days=30))
    assert session.revoked_at is None
    assert revoked is not None  # a revoked session is returned: the caller decides
    assert_utc(revoked[0].revoked_at, at(3))

    async with uows.accounts().write() as uow:
        alice = await uow.users.get_for_update("u-alice")
        assert alice is not None
        alice.role = Role.CLINICIAN
        await uow.users.save(alice)
        await uow.commit()

    async with uows.accounts().read() as uow:
        changed = await uow.sessions.get_with_role("s-1")
    assert changed is not None
    assert changed[1] is Role.CLINICIAN
