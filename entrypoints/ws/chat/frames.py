"""Reading a client's frame: JSON objects with a `type`; on the tutorial's /ws/chat any
other text is a message, since its clients send plain text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_FRAME_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class Inbound:
    type: str
    body: dict[str, Any]


class BadFrame(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail

    def frame(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "detail": self.detail}


def parse_frame(text: str, *, plain_text_is_message: bool) -> Inbound:
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, dict) and isinstance(body.get("type"), str):
        return Inbound(body["type"], body)
    if plain_text_is_message:
        return Inbound("message", {"type": "message", "text": text})
    if body is None:
        raise BadFrame("malformed_json", "a frame is a JSON object with a `type`")
    raise BadFrame("invalid_frame", "a frame is a JSON object with a string `type`")


def message_fields(body: dict[str, Any]) -> tuple[str, str | None]:
    text, client_id = body.get("text"), body.get("client_id")
    if not isinstance(text, str):
        raise BadFrame("invalid_frame", "`text` must be a string")
    if client_id is not None and not isinstance(client_id, str):
        raise BadFrame("invalid_frame", "`client_id` must be a string")
    return text, client_id
