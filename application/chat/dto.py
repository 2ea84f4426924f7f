"""What the chat use cases answer, and the JSON frame of a message (the same object over
WebSocket, HTTP and the bus)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.chat.messages import Message
from domain.chat.rooms import Room


def message_frame(message: Message) -> dict[str, Any]:
    """`{"type": "message", ...}`: what every reader of the room receives. The HTTP API's
    message is this without "type"."""
    return {
        "type": "message",
        "id": message.id,
        "room_id": message.room_id,
        "author": message.author,
        "author_id": message.author_id,
        "text": message.text,
        "sent_at": message.sent_at.isoformat().replace("+00:00", "Z"),
        "client_id": message.client_id,
    }


@dataclass(frozen=True, slots=True)
class PostedMessage:
    message: Message
    created: bool  # False: the client_id was used before, and this is that message


@dataclass(frozen=True, slots=True)
class MessagesRead:
    items: list[Message]
    last_id: int  # the room's latest message id when read (0: none)


@dataclass(frozen=True, slots=True)
class RoomView:
    room: Room
    member: bool  # whether the caller is a member


@dataclass(frozen=True, slots=True)
class MemberView:
    user_id: str
    username: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    ticket: str
    expires_in: int  # seconds
