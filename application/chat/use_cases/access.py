"""Who may see a room: everyone signed in sees a public room, only members a private one;
to anyone else a private room does not exist (404, never 403)."""

from __future__ import annotations

from application.chat.ports import ChatUnitOfWork
from application.shared.actor import Actor
from application.shared.ids import check_id
from domain.chat.errors import NotAMember, RoomNotFound
from domain.chat.rooms import Room


async def readable_room(
    uow: ChatUnitOfWork, actor: Actor, room_id: str, lock: bool = False
) -> Room:
    """The room if the actor may read it, else RoomNotFound; locked until commit with `lock`."""
    check_id(room_id, "room id")
    room = await (uow.rooms.get_for_update if lock else uow.rooms.get)(room_id)
    if room is None or (room.private and not await uow.members.is_member(room_id, actor.user_id)):
        raise RoomNotFound.with_id(room_id)
    return room


async def require_member(uow: ChatUnitOfWork, actor: Actor, room: Room) -> None:
    """A reader of a public room who has not joined it may not post or invite (403)."""
    if not room.private and not await uow.members.is_member(room.id, actor.user_id):
        raise NotAMember(f"join room {room.id!r} first")
