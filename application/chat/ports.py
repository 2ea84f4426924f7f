"""What the chat use cases need from the outside world: storage, a directory of users
and sessions (answered from the accounts' tables by the adapters: the chat never imports
the accounts context), and a rate limiter. The bus is in bus.py."""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from application.shared.paging import Page
from application.shared.ports import UnitOfWork
from domain.chat.messages import Message
from domain.chat.rooms import Membership, Room
from domain.chat.tickets import Ticket
from domain.shared.roles import Role


class DuplicateClientId(Exception):
    """The author already posted a message with this client_id in this room (the storage's
    unique constraint said so); nothing of the failed add is kept."""


class RoomRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, room: Room) -> None: ...

    @abc.abstractmethod
    async def get(self, room_id: str) -> Room | None: ...

    @abc.abstractmethod
    async def get_for_update(self, room_id: str) -> Room | None:
        """Like get, and lock the room until commit: posts in one room queue here."""

    @abc.abstractmethod
    async def save(self, room: Room) -> None:
        """Write back a room loaded for update (its last_message_id)."""

    @abc.abstractmethod
    async def list_visible(self, user_id: str, limit: int, offset: int) -> Page[Room]:
        """Public rooms and the private rooms `user_id` is a member of, oldest first (then
        by id)."""


class MemberRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, membership: Membership) -> bool:
        """Add unless already a member (also under a race); whether it was added."""

    @abc.abstractmethod
    async def remove(self, room_id: str, user_id: str) -> None: ...

    @abc.abstractmethod
    async def is_member(self, room_id: str, user_id: str) -> bool: ...

    @abc.abstractmethod
    async def list(self, room_id: str, limit: int, offset: int) -> Page[Membership]:
        """The room's members, earliest joined first (then by user id)."""


class MessageRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, message: Message) -> None:
        """DuplicateClientId when (room, author, client_id) is taken."""

    @abc.abstractmethod
    async def get_by_client_id(
        self, room_id: str, author_id: str, client_id: str
    ) -> Message | None: ...

    @abc.abstractmethod
    async def page(
        self, room_id: str, before: int | None, after: int | None, limit: int
    ) -> Sequence[Message]:
        """At most `limit` messages, ascending by id: with `after`, the first ones after it
        (and before `before`, if given); otherwise the latest ones before `before` (or the
        latest of all)."""


class TicketRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, ticket: Ticket) -> None: ...

    @abc.abstractmethod
    async def take(self, ticket_hash: str) -> Ticket | None:
        """Remove the ticket and return it (single use: of two takers, one gets it)."""

    @abc.abstractmethod
    async def purge_expired(self, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class ActiveSession:
    user_id: str
    role: Role


class ChatDirectory(abc.ABC):
    """Users and login sessions, read from the accounts' tables."""

    @abc.abstractmethod
    async def usernames(self, user_ids: Sequence[str]) -> Mapping[str, str]:
        """The username of each of these users that exists."""

    @abc.abstractmethod
    async def active_session(self, session_id: str, now: datetime) -> ActiveSession | None:
        """The session's user and their current role, unless it ended (revoked, expired)."""


class RateLimiter(abc.ABC):
    @abc.abstractmethod
    async def take(self, user_id: str, now: datetime) -> float | None:
        """Spend one message of the user's allowance: None, or the seconds to wait.
        Async: the allowance may be shared by several servers (in Redis)."""


class ChatUnitOfWork(UnitOfWork):
    rooms: RoomRepository
    members: MemberRepository
    messages: MessageRepository
    tickets: TicketRepository
    directory: ChatDirectory
