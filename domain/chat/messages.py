"""Messages: numbered 1, 2, 3... in their room, kept as sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.chat.errors import InvalidClientId, InvalidMessage, MessageBlank, MessageTooLong
from domain.shared.text import CONTROL_BUT_LINE_BREAKS, TRIMMED, check_text, trimmed_pattern

MESSAGE_MAX = 4000
# Not trimmed, but the same rule as a trimmed text: some non-space, no control characters
# but tabs and line breaks.
MESSAGE_PATTERN = trimmed_pattern(MESSAGE_MAX, line_breaks=True)
CLIENT_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,64}$"
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN.removeprefix("^").removesuffix("$"))


def check_message_text(text: str) -> str:
    """`text` unchanged (not trimmed: what was sent is what is shown), or the rule it breaks."""
    check_text(text, "text")
    if not text.strip(TRIMMED):
        raise MessageBlank("a message needs some text")
    if len(text) > MESSAGE_MAX:
        raise MessageTooLong(f"a message is at most {MESSAGE_MAX} characters", max=MESSAGE_MAX)
    if CONTROL_BUT_LINE_BREAKS.search(text):
        raise InvalidMessage("a message holds no control characters but tabs and line breaks")
    return text


def check_client_id(client_id: str | None) -> str | None:
    if client_id is not None and _CLIENT_ID.fullmatch(client_id) is None:
        raise InvalidClientId("client_id must be 1-64 characters of A-Z a-z 0-9 . _ : -")
    return client_id


@dataclass(frozen=True, slots=True)
class Message:
    room_id: str
    id: int
    author_id: str
    author: str  # the username when it was posted
    text: str
    sent_at: datetime
    client_id: str | None = None
