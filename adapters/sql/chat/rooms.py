"""Rooms and members in SQL. Posts in a room queue on its row lock (FOR UPDATE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.tables.chat import chat_members as members
from adapters.sql.tables.chat import chat_rooms as rooms
from application.chat.ports import MemberRepository, RoomRepository
from application.shared.paging import Page
from domain.chat.rooms import Membership, Room

_ROOM = select(rooms).where(rooms.c.id == bindparam("room_id"))
_ROOM_FOR_UPDATE = _ROOM.with_for_update()
_VISIBLE = or_(
    rooms.c.private.is_(False),
    exists().where(
        and_(members.c.room_id == rooms.c.id, members.c.user_id == bindparam("user_id"))
    ),
)
_VISIBLE_PAGE = (
    select(rooms)
    .where(_VISIBLE)
    .order_by(rooms.c.created_at, rooms.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_VISIBLE_COUNT = select(func.count()).select_from(rooms).where(_VISIBLE)
_OF_ROOM = members.c.room_id == bindparam("room_id")
_IS_MEMBER = select(members.c.user_id).where(_OF_ROOM, members.c.user_id == bindparam("user_id"))
_MEMBERS = (
    select(members)
    .where(_OF_ROOM)
    .order_by(members.c.joined_at, members.c.user_id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_MEMBER_COUNT = select(func.count()).select_from(members).where(_OF_ROOM)
_ADD_MEMBER = {
    "postgresql": postgresql.insert(members).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(members).on_conflict_do_nothing(),
}


def dialect_of(connection: AsyncConnection) -> str:
    dialect = getattr(connection, "dialect", None)  # SQLite's inline reads name none
    return dialect.name if dialect is not None else "sqlite"


def _room(row: Any) -> Room:
    return Room(**row._mapping)


class SqlRoomRepository(RoomRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, room: Room) -> None:
        await self._db.execute(insert(rooms), dict(vars(room)))

    async def get(self, room_id: str) -> Room | None:
        row = (await self._db.execute(_ROOM, {"room_id": room_id})).first()
        return _room(row) if row else None

    async def get_for_update(self, room_id: str) -> Room | None:
        row = (await self._db.execute(_ROOM_FOR_UPDATE, {"room_id": room_id})).first()
        return _room(row) if row else None

    async def save(self, room: Room) -> None:
        statement = update(rooms).where(rooms.c.id == room.id)
        await self._db.execute(statement, {"last_message_id": room.last_message_id})

    async def list_visible(self, user_id: str, limit: int, offset: int) -> Page[Room]:
        params = {"user_id": user_id, "limit": limit, "offset": offset}
        total = (await self._db.execute(_VISIBLE_COUNT, params)).scalar_one()
        rows = await self._db.execute(_VISIBLE_PAGE, params)
        return Page([_room(r) for r in rows], total, limit, offset)


class SqlMemberRepository(MemberRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, membership: Membership) -> bool:
        statement = _ADD_MEMBER[dialect_of(self._db)]
        result = await self._db.execute(statement, _values(membership))
        return bool(result.rowcount == 1)

    async def remove(self, room_id: str, user_id: str) -> None:
        statement = delete(members).where(
            members.c.room_id == room_id, members.c.user_id == user_id
        )
        await self._db.execute(statement)

    async def is_member(self, room_id: str, user_id: str) -> bool:
        params = {"room_id": room_id, "user_id": user_id}
        return (await self._db.execute(_IS_MEMBER, params)).first() is not None

    async def list(self, room_id: str, limit: int, offset: int) -> Page[Membership]:
        params = {"room_id": room_id, "limit": limit, "offset": offset}
        total = (await self._db.execute(_MEMBER_COUNT, params)).scalar_one()
        rows = await self._db.execute(_MEMBERS, params)
        return Page([Membership(**r._mapping) for r in rows], total, limit, offset)


def _values(membership: Membership) -> dict[str, Any]:
    return {
        "room_id": membership.room_id,
        "user_id": membership.user_id,
        "joined_at": membership.joined_at,
    }
