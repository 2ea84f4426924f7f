"""Rooms and their members. A public room is readable by every signed-in user and posted
in by its members; a private room exists only for its members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.chat.errors import InvalidRoomName
from domain.shared.text import CONTROL, trimmed, trimmed_pattern

ROOM_NAME_MAX = 64
ROOM_NAME_PATTERN = trimmed_pattern(ROOM_NAME_MAX, line_breaks=False)
GENERAL_ID = "general"
# The room every installation starts with (migration 0009 inserts the same row).
GENERAL_CREATED_AT = datetime(2026, 1, 1, tzinfo=UTC)


def clean_room_name(name: str) -> str:
    value = trimmed(name, "name")
    if not 1 <= len(value) <= ROOM_NAME_MAX or CONTROL.search(value):
        raise InvalidRoomName(
            f"name must be 1-{ROOM_NAME_MAX} characters (trimmed), without control characters"
        )
    return value


@dataclass(eq=False)
class Room:
    id: str
    name: str
    private: bool
    created_by: str | None
    created_at: datetime
    # The id of the room's latest message (0: none yet): the next one is this plus one.
    last_message_id: int = 0

    @classmethod
    def create(cls, room_id: str, name: str, private: bool, by: str, now: datetime) -> Room:
        return cls(room_id, clean_room_name(name), private, by, now)

    @classmethod
    def general(cls) -> Room:
        return cls(GENERAL_ID, "general", False, None, GENERAL_CREATED_AT)

    def next_message_id(self) -> int:
        """Take the next id; call it only on a room loaded for update."""
        self.last_message_id += 1
        return self.last_message_id


@dataclass(frozen=True, slots=True)
class Membership:
    room_id: str
    user_id: str
    joined_at: datetime
