"""Creating, listing and reading rooms."""

from __future__ import annotations

from application.chat.dto import RoomView
from application.chat.ports import ChatUnitOfWork
from application.chat.use_cases.access import readable_room
from application.shared.actor import Actor
from application.shared.ids import new_id
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.chat.rooms import Membership, Room


class CreateRoom:
    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, name: str, private: bool = False) -> Room:
        """The creator is its first member."""
        now = self._clock.now()
        room = Room.create(new_id(), name, private, actor.user_id, now)
        async with self._uow.write() as uow:
            await uow.rooms.add(room)
            await uow.members.add(Membership(room.id, actor.user_id, now))
            await uow.commit()
        return room


class ListRooms:
    def __init__(self, uow: ChatUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, limit: int = 50, offset: int = 0) -> Page[Room]:
        check_page(limit, offset)
        async with self._uow.read() as uow:
            return await uow.rooms.list_visible(actor.user_id, limit, offset)


class GetRoom:
    def __init__(self, uow: ChatUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, room_id: str) -> RoomView:
        async with self._uow.read() as uow:
            room = await readable_room(uow, actor, room_id)
            return RoomView(room, await uow.members.is_member(room.id, actor.user_id))
