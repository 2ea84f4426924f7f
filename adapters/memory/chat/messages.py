"""Messages and tickets on the in-memory store. A room's messages are a list in id order
(ids are taken under the room's lock, so appends keep it sorted)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import Journal, MemoryStore, put
from application.chat.ports import DuplicateClientId, MessageRepository, TicketRepository
from domain.chat.messages import Message
from domain.chat.tickets import Ticket


class InMemoryMessageRepository(MessageRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        tables = store.of("chat")
        self._by_room: dict[str, list[Message]] = tables.table("messages")
        self._by_client: dict[tuple[str, str, str], Message] = tables.table("client_ids")
        self._journal = journal

    async def add(self, message: Message) -> None:
        self._journal.check_writable()
        if message.client_id is not None:
            key = (message.room_id, message.author_id, message.client_id)
            if key in self._by_client:
                raise DuplicateClientId(message.client_id)
            put(self._journal, self._by_client, key, message)
        messages = self._by_room.setdefault(message.room_id, [])
        if messages and messages[-1].id >= message.id:
            raise ValueError(f"message id {message.id} is not after {messages[-1].id}")
        messages.append(message)
        self._journal.record(messages.pop)

    async def get_by_client_id(
        self, room_id: str, author_id: str, client_id: str
    ) -> Message | None:
        return self._by_client.get((room_id, author_id, client_id))

    async def page(
        self, room_id: str, before: int | None, after: int | None, limit: int
    ) -> Sequence[Message]:
        messages = self._by_room.get(room_id, [])
        end = len(messages) if before is None else bisect.bisect_left(messages, before, key=_id)
        if after is not None:
            start = bisect.bisect_right(messages, after, key=_id)
            return messages[start : min(end, start + limit)] if start < end else []
        return messages[max(0, end - limit) : end]


def _id(message: Message) -> int:
    return message.id


class InMemoryTicketRepository(TicketRepository):
    def __init__(self, store: MemoryStore, journal: Journal) -> None:
        self._tickets: dict[str, Ticket] = store.of("chat").table("tickets")
        self._journal = journal

    async def add(self, ticket: Ticket) -> None:
        self._journal.check_writable()
        put(self._journal, self._tickets, ticket.ticket_hash, ticket)

    async def take(self, ticket_hash: str) -> Ticket | None:
        self._journal.check_writable()
        ticket = self._tickets.pop(ticket_hash, None)
        if ticket is not None:
            self._journal.record(lambda: self._tickets.__setitem__(ticket_hash, ticket))
        return ticket

    async def purge_expired(self, now: datetime) -> None:
        self._journal.check_writable()
        for ticket in [t for t in self._tickets.values() if not t.is_valid(now)]:
            await self.take(ticket.ticket_hash)
