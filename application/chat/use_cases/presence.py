"""Who is connected to a room: a socket enters on connect and leaves on close; the first
connection of a user announces a join to the room, their last one a leave."""

from __future__ import annotations

from typing import Any

from application.chat.bus import ChatEvent, MessageBus
from application.chat.ports import ChatUnitOfWork
from application.chat.presence import OnlineUser, Presence
from application.chat.use_cases.access import readable_room
from application.shared.actor import Actor


def presence_frame(room_id: str, event: str, user: OnlineUser) -> dict[str, Any]:
    return {
        "type": "presence",
        "room_id": room_id,
        "event": event,
        "user": {"id": user.user_id, "username": user.username},
    }


class EnterRoom:
    def __init__(self, uow: ChatUnitOfWork, presence: Presence, bus: MessageBus) -> None:
        self._uow = uow
        self._presence = presence
        self._bus = bus

    async def execute(self, actor: Actor, room_id: str, connection_id: str) -> OnlineUser:
        async with self._uow.read() as uow:
            names = await uow.directory.usernames([actor.user_id])
        user = OnlineUser(actor.user_id, names.get(actor.user_id, actor.user_id))
        if await self._presence.enter(room_id, connection_id, user.user_id, user.username):
            await self._bus.publish(ChatEvent(room_id, presence_frame(room_id, "join", user)))
        return user


class ExitRoom:
    def __init__(self, presence: Presence, bus: MessageBus) -> None:
        self._presence = presence
        self._bus = bus

    async def execute(self, user: OnlineUser, room_id: str, connection_id: str) -> None:
        if await self._presence.leave(room_id, connection_id):
            await self._bus.publish(ChatEvent(room_id, presence_frame(room_id, "leave", user)))


class ListOnline:
    def __init__(self, uow: ChatUnitOfWork, presence: Presence) -> None:
        self._uow = uow
        self._presence = presence

    async def execute(self, actor: Actor, room_id: str) -> list[OnlineUser]:
        async with self._uow.read() as uow:
            room = await readable_room(uow, actor, room_id)
        return await self._presence.online(room.id)
