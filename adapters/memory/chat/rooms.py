"""Rooms and members on the in-memory store; the room `general` is there from the start."""

from __future__ import annotations

from adapters.memory.store import Journal, MemoryStore, clone, put
from application.chat.ports import MemberRepository, RoomRepository
from application.shared.paging import Page
from domain.chat.rooms import GENERAL_ID, Membership, Room


class InMemoryRoomRepository(RoomRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        tables = store.of("chat")
        self._rooms: dict[str, Room] = tables.table("rooms")
        self._members: dict[tuple[str, str], Membership] = tables.table("members")
        self._journal = journal
        if GENERAL_ID not in self._rooms:  # as migration 0009 does on SQL
            self._rooms[GENERAL_ID] = Room.general()

    async def add(self, room: Room) -> None:
        put(self._journal, self._rooms, room.id, clone(room))
        self._journal.hold(self._rooms, room.id)

    async def get(self, room_id: str) -> Room | None:
        room = self._rooms.get(room_id)
        return clone(room) if room else None

    async def get_for_update(self, room_id: str) -> Room | None:
        self._journal.hold(self._rooms, room_id)
        return await self.get(room_id)

    async def save(self, room: Room) -> None:
        self._journal.check_writable()
        self._journal.check_held(self._rooms, room.id)
        put(self._journal, self._rooms, room.id, clone(room))

    async def list_visible(self, user_id: str, limit: int, offset: int) -> Page[Room]:
        visible = sorted(
            (r for r in self._rooms.values() if not r.private or (r.id, user_id) in self._members),
            key=lambda r: (r.created_at, r.id),
        )
        return Page(
            [clone(r) for r in visible[offset : offset + limit]], len(visible), limit, offset
        )


class InMemoryMemberRepository(MemberRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._members: dict[tuple[str, str], Membership] = store.of("chat").table("members")
        self._journal = journal

    async def add(self, membership: Membership) -> bool:
        self._journal.check_writable()
        key = (membership.room_id, membership.user_id)
        if key in self._members:
            return False
        put(self._journal, self._members, key, membership)
        return True

    async def remove(self, room_id: str, user_id: str) -> None:
        self._journal.check_writable()
        if (room_id, user_id) in self._members:
            previous = self._members.pop((room_id, user_id))
            self._journal.record(lambda: self._members.__setitem__((room_id, user_id), previous))

    async def is_member(self, room_id: str, user_id: str) -> bool:
        return (room_id, user_id) in self._members

    async def list(self, room_id: str, limit: int, offset: int) -> Page[Membership]:
        members = sorted(
            (m for (room, _), m in self._members.items() if room == room_id),
            key=lambda m: (m.joined_at, m.user_id),
        )
        return Page(members[offset : offset + limit], len(members), limit, offset)
