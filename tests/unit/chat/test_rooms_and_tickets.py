"""Rooms, members, reading history, tickets and session checks, on the memory store."""

from __future__ import annotations

import pytest

from domain.chat.errors import (
    InvalidRoomName,
    InvalidTicket,
    NotAMember,
    RoomNotFound,
    UserNotFound,
)
from domain.shared.errors import InvalidInput
from entrypoints.containers.chat import ChatContainer
from tests.support.clock import ManualClock
from tests.unit.chat.conftest import SignIn
from tests.unit.conftest import Accounts


async def test_rooms_visible_are_public_ones_and_own_private_ones(
    chat: ChatContainer, sign_in: SignIn, clock: ManualClock
) -> None:
    alice, bob = await sign_in("alice"), await sign_in("bob")
    public = await chat.create_room().execute(alice, "  lobby  ")
    clock.advance(seconds=1)  # listed oldest first
    secret = await chat.create_room().execute(alice, "secret", private=True)
    assert public.name == "lobby"
    alices = await chat.list_rooms().execute(alice)
    bobs = await chat.list_rooms().execute(bob)
    assert [r.id for r in alices.items] == ["general", public.id, secret.id]
    assert [r.id for r in bobs.items] == ["general", public.id]
    assert bobs.total == 2
    clock.advance(seconds=1)
    await chat.invite_member().execute(alice, secret.id, bob.user_id)
    assert secret.id in [r.id for r in (await chat.list_rooms().execute(bob)).items]
    members = await chat.list_members().execute(bob, secret.id)
    assert [m.username for m in members.items] == ["alice", "bob"]  # joined in that order


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "tab\x07"])
async def test_room_names_are_checked(chat: ChatContainer, sign_in: SignIn, name: str) -> None:
    with pytest.raises(InvalidRoomName):
        await chat.create_room().execute(await sign_in("alice"), name)


async def test_join_and_leave_are_idempotent(chat: ChatContainer, sign_in: SignIn) -> None:
    alice = await sign_in("alice")
    assert await chat.join_room().execute(alice, "general")
    assert not await chat.join_room().execute(alice, "general")
    assert (await chat.get_room().execute(alice, "general")).member
    await chat.leave_room().execute(alice, "general")
    await chat.leave_room().execute(alice, "general")
    assert not (await chat.get_room().execute(alice, "general")).member


async def test_leaving_a_private_room_loses_sight_of_it(
    chat: ChatContainer, sign_in: SignIn
) -> None:
    alice = await sign_in("alice")
    secret = await chat.create_room().execute(alice, "secret", private=True)
    await chat.leave_room().execute(alice, secret.id)
    with pytest.raises(RoomNotFound):
        await chat.get_room().execute(alice, secret.id)


async def test_inviting_needs_membership_and_a_real_user(
    chat: ChatContainer, sign_in: SignIn
) -> None:
    alice, bob = await sign_in("alice"), await sign_in("bob")
    with pytest.raises(NotAMember):
        await chat.invite_member().execute(alice, "general", bob.user_id)
    await chat.join_room().execute(alice, "general")
    with pytest.raises(UserNotFound):
        await chat.invite_member().execute(alice, "general", "nobody")
    await chat.invite_member().execute(alice, "general", bob.user_id)
    assert (await chat.get_room().execute(bob, "general")).member


async def test_history_pages_before_and_after(chat: ChatContainer, sign_in: SignIn) -> None:
    alice = await sign_in("alice")
    await chat.join_room().execute(alice, "general")
    for i in range(1, 11):
        await chat.post_message().execute(alice, "general", f"m{i}")
    read = chat.read_messages()

    async def ids(**query: int) -> list[int]:
        return [m.id for m in (await read.execute(alice, "general", **query)).items]

    assert await ids(limit=3) == [8, 9, 10]
    assert await ids(before=4) == [1, 2, 3]
    assert await ids(before=8, limit=2) == [6, 7]
    assert await ids(after=7) == [8, 9, 10]
    assert await ids(after=2, limit=2) == [3, 4]
    assert await ids(after=2, before=5) == [3, 4]
    assert await ids(after=10) == []
    assert (await read.execute(alice, "general", after=10)).last_id == 10
    for bad in ({"limit": 0}, {"limit": 101}, {"after": -1}):
        with pytest.raises(InvalidInput):
            await read.execute(alice, "general", **bad)


async def test_a_public_room_is_readable_without_joining(
    chat: ChatContainer, sign_in: SignIn
) -> None:
    alice, bob = await sign_in("alice"), await sign_in("bob")
    await chat.join_room().execute(alice, "general")
    await chat.post_message().execute(alice, "general", "hello")
    assert [m.text for m in (await chat.read_messages().execute(bob, "general")).items] == ["hello"]


async def test_a_ticket_is_single_use_and_short_lived(
    chat: ChatContainer, sign_in: SignIn, clock: ManualClock
) -> None:
    alice = await sign_in("alice")
    issued = await chat.issue_ticket().execute(alice)
    assert issued.expires_in == 30
    assert await chat.redeem_ticket().execute(issued.ticket) == alice
    with pytest.raises(InvalidTicket):
        await chat.redeem_ticket().execute(issued.ticket)
    late = await chat.issue_ticket().execute(alice)
    clock.advance(seconds=30)
    with pytest.raises(InvalidTicket):
        await chat.redeem_ticket().execute(late.ticket)
    with pytest.raises(InvalidTicket):
        await chat.redeem_ticket().execute("made-up")


async def test_a_logout_ends_tickets_and_session_checks(
    chat: ChatContainer, sign_in: SignIn, accounts: Accounts
) -> None:
    alice = await sign_in("alice")
    issued = await chat.issue_ticket().execute(alice)
    assert await chat.check_session().execute(alice)
    await accounts.use_cases.logout().execute(alice)
    assert not await chat.check_session().execute(alice)
    with pytest.raises(InvalidTicket):
        await chat.redeem_ticket().execute(issued.ticket)


async def test_the_replay_reads_up_to_501_at_once(chat: ChatContainer, sign_in: SignIn) -> None:
    alice = await sign_in("alice")
    read = await chat.replay_messages().execute(alice, "general", after=0, limit=501)
    assert read.items == []
    with pytest.raises(InvalidInput):
        await chat.replay_messages().execute(alice, "general", after=0, limit=502)
