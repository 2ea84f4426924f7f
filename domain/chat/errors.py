"""Chat errors, named after the rule they guard; `code` is what clients match on."""

from __future__ import annotations

from domain.shared.errors import Forbidden, InvalidInput, NotFound, RateLimited, Unauthenticated


class RoomNotFound(NotFound):
    """Also what a private room is to anyone who is not a member: it does not exist."""

    code = "room_not_found"

    @classmethod
    def with_id(cls, room_id: str) -> RoomNotFound:
        return cls(f"room {room_id!r} not found")


class NotAMember(Forbidden):
    """Posting in a public room needs joining it first."""

    code = "not_a_member"


class InvalidRoomName(InvalidInput):
    code = "invalid_room_name"


class MessageBlank(InvalidInput):
    code = "message_blank"


class MessageTooLong(InvalidInput):
    code = "message_too_long"


class InvalidMessage(InvalidInput):
    """Control characters other than tabs and line breaks (PostgreSQL refuses NUL)."""

    code = "invalid_message"


class InvalidClientId(InvalidInput):
    code = "invalid_client_id"


class UserNotFound(NotFound):
    code = "user_not_found"


class InvalidTicket(Unauthenticated):
    """Unknown, already used, expired, or its session has ended."""

    code = "invalid_ticket"


class PostingTooFast(RateLimited):
    code = "rate_limited"
