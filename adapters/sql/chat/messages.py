"""Messages and tickets in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sql.chat.rooms import dialect_of
from adapters.sql.tables.chat import chat_messages as messages
from adapters.sql.tables.chat import chat_tickets as tickets
from application.chat.ports import DuplicateClientId, MessageRepository, TicketRepository
from domain.chat.messages import Message
from domain.chat.tickets import Ticket

# A client_id taken is 0 rows, not an error that would abort a PostgreSQL transaction.
_CLIENT_KEY = ["room_id", "author_id", "client_id"]
_ADD = {
    "postgresql": postgresql.insert(messages).on_conflict_do_nothing(index_elements=_CLIENT_KEY),
    "sqlite": sqlite.insert(messages).on_conflict_do_nothing(index_elements=_CLIENT_KEY),
}
_BY_CLIENT_ID = select(messages).where(
    messages.c.room_id == bindparam("room_id"),
    messages.c.author_id == bindparam("author_id"),
    messages.c.client_id == bindparam("client_id"),
)
_IN_ROOM = messages.c.room_id == bindparam("room_id")


def _message(row: Any) -> Message:
    return Message(**row._mapping)


def _values(m: Message) -> dict[str, Any]:
    return {
        "room_id": m.room_id,
        "id": m.id,
        "author_id": m.author_id,
        "author": m.author,
        "text": m.text,
        "sent_at": m.sent_at,
        "client_id": m.client_id,
    }


class SqlMessageRepository(MessageRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, message: Message) -> None:
        result = await self._db.execute(_ADD[dialect_of(self._db)], _values(message))
        if result.rowcount != 1:
            raise DuplicateClientId(message.client_id)

    async def get_by_client_id(
        self, room_id: str, author_id: str, client_id: str
    ) -> Message | None:
        params = {"room_id": room_id, "author_id": author_id, "client_id": client_id}
        row = (await self._db.execute(_BY_CLIENT_ID, params)).first()
        return _message(row) if row else None

    async def page(
        self, room_id: str, before: int | None, after: int | None, limit: int
    ) -> Sequence[Message]:
        statement = select(messages).where(_IN_ROOM)
        if before is not None:
            statement = statement.where(messages.c.id < before)
        if after is not None:
            statement = statement.where(messages.c.id > after).order_by(messages.c.id)
        else:
            statement = statement.order_by(messages.c.id.desc())
        rows = await self._db.execute(statement.limit(limit), {"room_id": room_id})
        found = [_message(r) for r in rows]
        return found if after is not None else found[::-1]


class SqlTicketRepository(TicketRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, ticket: Ticket) -> None:
        values = {
            "ticket_hash": ticket.ticket_hash,
            "user_id": ticket.user_id,
            "session_id": ticket.session_id,
            "expires_at": ticket.expires_at,
        }
        await self._db.execute(tickets.insert(), values)

    async def take(self, ticket_hash: str) -> Ticket | None:
        # One statement: of two servers taking one ticket, one gets the row.
        statement = delete(tickets).where(tickets.c.ticket_hash == ticket_hash).returning(tickets)
        row = (await self._db.execute(statement)).first()
        return Ticket(**row._mapping) if row else None

    async def purge_expired(self, now: datetime) -> None:
        await self._db.execute(delete(tickets).where(tickets.c.expires_at <= now))
