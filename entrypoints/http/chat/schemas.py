"""Chat bodies and responses: parse and document only (the rules are the domain's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel
from pydantic.json_schema import SkipJsonSchema

from application.chat.dto import MemberView, message_frame
from application.shared.ids import ID_PATTERN
from domain.chat.messages import CLIENT_ID_PATTERN, MESSAGE_MAX, MESSAGE_PATTERN, Message
from domain.chat.rooms import ROOM_NAME_MAX, ROOM_NAME_PATTERN, Room
from entrypoints.http.schemas import StrictBody, documented


class RoomCreate(StrictBody):
    name: Annotated[
        str,
        documented(
            pattern=ROOM_NAME_PATTERN,
            description=f"1-{ROOM_NAME_MAX} characters once trimmed, no control characters;"
            " not unique (else 422 invalid_room_name)",
        ),
    ]
    private: Annotated[
        bool, documented(description="Only members see it; others join by invitation")
    ] = False


class RoomOut(BaseModel):
    id: str
    name: str
    private: bool
    created_by: str | None
    created_at: datetime
    last_message_id: int
    member: bool | None = None  # whether the caller joined: GET /rooms/{id} says, lists not

    @classmethod
    def of(cls, room: Room, member: bool | None = None) -> RoomOut:
        return cls(
            id=room.id,
            name=room.name,
            private=room.private,
            created_by=room.created_by,
            created_at=room.created_at,
            last_message_id=room.last_message_id,
            member=member,
        )


class MemberIn(StrictBody):
    user_id: Annotated[str, documented(pattern=ID_PATTERN)]


class MemberOut(BaseModel):
    user_id: str
    username: str
    joined_at: datetime

    @classmethod
    def of(cls, view: MemberView) -> MemberOut:
        return cls(user_id=view.user_id, username=view.username, joined_at=view.joined_at)


class MessageIn(StrictBody):
    text: Annotated[
        str,
        documented(
            maxLength=MESSAGE_MAX,
            pattern=MESSAGE_PATTERN,
            description="Not blank; kept as sent (422 message_blank, message_too_long)",
        ),
    ]
    client_id: Annotated[
        str | SkipJsonSchema[None],
        documented(
            pattern=CLIENT_ID_PATTERN,
            description="The client's own id for the message: sending it again returns the"
            " same message (200), never a second one",
        ),
    ] = None


class MessageOut(BaseModel):
    """The WebSocket message frame without its "type"."""

    id: int
    room_id: str
    author: str
    author_id: str
    text: str
    sent_at: datetime
    client_id: str | None

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        frame: dict[str, Any] = message_frame(message)
        del frame["type"]
        frame["sent_at"] = message.sent_at
        return cls(**frame)


class MessagesOut(BaseModel):
    items: list[MessageOut]
    last_id: int  # the room's latest message id (0: none yet)


class TicketOut(BaseModel):
    ticket: str
    expires_in: int  # seconds
