"""Joining and leaving public rooms, inviting into any room one is a member of."""

from __future__ import annotations

from application.chat.dto import MemberView
from application.chat.ports import ChatUnitOfWork
from application.chat.use_cases.access import readable_room, require_member
from application.shared.actor import Actor
from application.shared.ids import check_id
from application.shared.paging import Page, check_page
from application.shared.ports import Clock
from domain.chat.errors import UserNotFound
from domain.chat.rooms import Membership


class JoinRoom:
    """Idempotent. A private room's members are members already; others cannot see it."""

    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, room_id: str) -> bool:
        """Whether the actor was not a member before."""
        async with self._uow.write() as uow:
            room = await readable_room(uow, actor, room_id)
            added = await uow.members.add(Membership(room.id, actor.user_id, self._clock.now()))
            await uow.commit()
        return added


class LeaveRoom:
    """Idempotent; leaving a private room loses sight of it."""

    def __init__(self, uow: ChatUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, room_id: str) -> None:
        async with self._uow.write() as uow:
            room = await readable_room(uow, actor, room_id)
            await uow.members.remove(room.id, actor.user_id)
            await uow.commit()


class InviteMember:
    """A member adds another user (the way into a private room); idempotent."""

    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor, room_id: str, user_id: str) -> None:
        check_id(user_id, "user id")
        async with self._uow.write() as uow:
            room = await readable_room(uow, actor, room_id)
            await require_member(uow, actor, room)
            if user_id not in await uow.directory.usernames([user_id]):
                raise UserNotFound(f"user {user_id!r} not found")
            await uow.members.add(Membership(room.id, user_id, self._clock.now()))
            await uow.commit()


class ListMembers:
    def __init__(self, uow: ChatUnitOfWork) -> None:
        self._uow = uow

    async def execute(
        self, actor: Actor, room_id: str, limit: int = 50, offset: int = 0
    ) -> Page[MemberView]:
        check_page(limit, offset)
        async with self._uow.read() as uow:
            room = await readable_room(uow, actor, room_id)
            page = await uow.members.list(room.id, limit, offset)
            names = await uow.directory.usernames([m.user_id for m in page.items])
        items = [MemberView(m.user_id, names.get(m.user_id, ""), m.joined_at) for m in page.items]
        return Page(items, page.total, page.limit, page.offset)
