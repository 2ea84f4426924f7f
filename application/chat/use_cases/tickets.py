"""WebSocket credentials: a ticket for browsers (single use, 30 s), and the session check
an open socket repeats so a logged-out user's sockets close."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from application.chat.dto import IssuedTicket
from application.chat.ports import ChatUnitOfWork
from application.shared.actor import Actor
from application.shared.ports import Clock
from domain.chat.errors import InvalidTicket
from domain.chat.tickets import TICKET_SECONDS, Ticket


def ticket_hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8", "surrogatepass")).hexdigest()


class IssueTicket:
    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor) -> IssuedTicket:
        ticket = secrets.token_urlsafe(32)
        now = self._clock.now()
        expires_at = now + timedelta(seconds=TICKET_SECONDS)
        async with self._uow.write() as uow:
            await uow.tickets.purge_expired(now)  # unused tickets go with the next issue
            await uow.tickets.add(
                Ticket(ticket_hash(ticket), actor.user_id, actor.session_id, expires_at)
            )
            await uow.commit()
        return IssuedTicket(ticket, TICKET_SECONDS)


class RedeemTicket:
    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, ticket: str) -> Actor:
        """The ticket's caller with their current role, or InvalidTicket."""
        now = self._clock.now()
        async with self._uow.write() as uow:
            found = await uow.tickets.take(ticket_hash(ticket))
            session = None
            if found is not None and found.is_valid(now):
                session = await uow.directory.active_session(found.session_id, now)
            await uow.commit()  # used, whatever the answer
        if found is None or session is None or session.user_id != found.user_id:
            raise InvalidTicket("the ticket is unknown, used, expired, or its session ended")
        return Actor(found.user_id, session.role, found.session_id)


class CheckSession:
    def __init__(self, uow: ChatUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, actor: Actor) -> bool:
        """Whether the actor's session is still active with the same role."""
        async with self._uow.read() as uow:
            session = await uow.directory.active_session(actor.session_id, self._clock.now())
        return (
            session is not None and session.user_id == actor.user_id and session.role is actor.role
        )
