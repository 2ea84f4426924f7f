"""The chat's repositories on memory, SQLite and PostgreSQL: rooms (with `general` from
the start), visibility, members, message pages, the client_id constraint, tickets and the
directory over the accounts' tables."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.chat.ports import DuplicateClientId
from domain.chat.messages import Message
from domain.chat.rooms import GENERAL_ID, Membership, Room
from domain.chat.tickets import Ticket
from domain.shared.roles import Role
from tests.contract.builders import T0, add_users, at, new_session, new_user
from tests.support.storage import Uows


def message(room_id: str, message_id: int, client_id: str | None = None) -> Message:
    return Message(
        room_id, message_id, "u-alice", "alice", f"text {message_id}", at(message_id), client_id
    )


async def add_room(uows: Uows, room: Room, *messages: Message) -> None:
    async with uows.chat().write() as uow:
        await uow.rooms.add(room)
        for m in messages:
            await uow.messages.add(m)
        await uow.commit()


async def test_general_exists_from_the_start(uows: Uows) -> None:
    async with uows.chat().read() as uow:
        general = await uow.rooms.get(GENERAL_ID)
        page = await uow.rooms.list_visible("anyone", 10, 0)
    assert general is not None
    assert (general.name, general.private, general.last_message_id) == ("general", False, 0)
    assert [r.id for r in page.items] == [GENERAL_ID]


async def test_rooms_round_trip_and_private_ones_show_to_members(uows: Uows) -> None:
    public = Room("r-public", "lobby", False, "u-alice", at(1))
    secret = Room("r-secret", "secret", True, "u-alice", at(2))
    await add_room(uows, public)
    await add_room(uows, secret)
    async with uows.chat().write() as uow:
        assert await uow.members.add(Membership(secret.id, "u-alice", at(2)))
        assert not await uow.members.add(Membership(secret.id, "u-alice", at(3)))
        await uow.commit()
    async with uows.chat().read() as uow:
        loaded = await uow.rooms.get(public.id)
        alices = await uow.rooms.list_visible("u-alice", 10, 0)
        bobs = await uow.rooms.list_visible("u-bob", 10, 0)
        second = await uow.rooms.list_visible("u-alice", 1, 1)
        assert await uow.members.is_member(secret.id, "u-alice")
        assert not await uow.members.is_member(secret.id, "u-bob")
    assert loaded is not None
    assert (loaded.name, loaded.created_by, loaded.created_at) == ("lobby", "u-alice", at(1))
    assert [r.id for r in alices.items] == [GENERAL_ID, public.id, secret.id]
    assert [r.id for r in bobs.items] == [GENERAL_ID, public.id]
    assert bobs.total == 2
    assert [r.id for r in second.items] == [public.id]
    assert second.total == 3


async def test_members_list_and_remove(uows: Uows) -> None:
    async with uows.chat().write() as uow:
        await uow.members.add(Membership(GENERAL_ID, "u-bob", at(2)))
        await uow.members.add(Membership(GENERAL_ID, "u-alice", at(1)))
        await uow.commit()
    async with uows.chat().write() as uow:
        page = await uow.members.list(GENERAL_ID, 10, 0)
        await uow.members.remove(GENERAL_ID, "u-alice")
        await uow.members.remove(GENERAL_ID, "u-nobody")
        await uow.commit()
    assert [(m.user_id, m.joined_at) for m in page.items] == [("u-alice", at(1)), ("u-bob", at(2))]
    async with uows.chat().read() as uow:
        assert [m.user_id for m in (await uow.members.list(GENERAL_ID, 10, 0)).items] == ["u-bob"]


async def test_the_room_lock_and_save_keep_the_counter(uows: Uows) -> None:
    async with uows.chat().write() as uow:
        room = await uow.rooms.get_for_update(GENERAL_ID)
        assert room is not None
        await uow.messages.add(message(GENERAL_ID, room.next_message_id()))
        await uow.rooms.save(room)
        await uow.commit()
    async with uows.chat().write() as uow:  # rolled back: nothing kept
        room = await uow.rooms.get_for_update(GENERAL_ID)
        assert room is not None
        await uow.messages.add(message(GENERAL_ID, room.next_message_id()))
        await uow.rooms.save(room)
    async with uows.chat().read() as uow:
        room = await uow.rooms.get(GENERAL_ID)
        assert [m.id for m in await uow.messages.page(GENERAL_ID, None, None, 10)] == [1]
    assert room is not None
    assert room.last_message_id == 1


async def test_message_pages_ascend(uows: Uows) -> None:
    room = Room("r-1", "one", False, "u-alice", T0)
    await add_room(uows, room, *(message(room.id, i) for i in range(1, 8)))
    async with uows.chat().read() as uow:
        page = uow.messages.page
        latest = await page(room.id, None, None, 3)
        before = await page(room.id, 4, None, 10)
        after = await page(room.id, None, 5, 10)
        between = await page(room.id, 5, 1, 2)
        other_room = await page(GENERAL_ID, None, None, 10)
    assert [m.id for m in latest] == [5, 6, 7]
    assert [m.id for m in before] == [1, 2, 3]
    assert [m.id for m in after] == [6, 7]
    assert [m.id for m in between] == [2, 3]
    assert other_room == []
    assert latest[-1] == message(room.id, 7)


async def test_a_client_id_is_unique_per_room_and_author(uows: Uows) -> None:
    await add_room(uows, Room("r-1", "one", False, "u-alice", T0), message("r-1", 1, "c1"))
    async with uows.chat().write() as uow:
        with pytest.raises(DuplicateClientId):
            await uow.messages.add(message("r-1", 2, "c1"))
    async with uows.chat().write() as uow:
        await uow.messages.add(message("r-1", 2, None))
        await uow.messages.add(message("r-1", 3, None))  # no client_id never collides
        await uow.messages.add(message(GENERAL_ID, 1, "c1"))  # another room
        await uow.commit()
    async with uows.chat().read() as uow:
        found = await uow.messages.get_by_client_id("r-1", "u-alice", "c1")
        assert await uow.messages.get_by_client_id("r-1", "u-bob", "c1") is None
    assert found == message("r-1", 1, "c1")


async def test_a_ticket_is_taken_once_and_expired_ones_are_purged(uows: Uows) -> None:
    fresh = Ticket("a" * 64, "u-alice", "s-1", at(1))
    stale = Ticket("b" * 64, "u-alice", "s-1", at(-1))
    async with uows.chat().write() as uow:
        await uow.tickets.add(fresh)
        await uow.tickets.add(stale)
        await uow.commit()
    async with uows.chat().write() as uow:
        await uow.tickets.purge_expired(T0)
        taken = await uow.tickets.take(fresh.ticket_hash)
        again = await uow.tickets.take(fresh.ticket_hash)
        purged = await uow.tickets.take(stale.ticket_hash)
        await uow.commit()
    assert taken == fresh
    assert again is None
    assert purged is None


async def test_the_directory_reads_users_and_sessions(uows: Uows) -> None:
    await add_users(uows, new_user("alice"), new_user("Bob", role=Role.ADMIN))
    async with uows.accounts().write() as uow:
        await uow.sessions.add(new_session("s-alice", "u-alice"))
        await uow.sessions.add(new_session("s-bob", "u-bob"))
        await uow.sessions.revoke("s-alice", at(1))
        await uow.commit()
    async with uows.chat().read() as uow:
        names = await uow.directory.usernames(["u-alice", "u-bob", "u-nobody"])
        ended = await uow.directory.active_session("s-alice", at(2))
        bobs = await uow.directory.active_session("s-bob", at(2))
        expired = await uow.directory.active_session("s-bob", T0 + timedelta(days=31))
        unknown = await uow.directory.active_session("s-none", at(2))
    assert names == {"u-alice": "alice", "u-bob": "Bob"}
    assert ended is None
    assert bobs is not None
    assert (bobs.user_id, bobs.role) == ("u-bob", Role.ADMIN)
    assert expired is None
    assert unknown is None
