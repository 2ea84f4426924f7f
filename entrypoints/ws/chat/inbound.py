"""What a client's frame does: `message` posts (PostMessage), `ping` answers `pong`;
anything else is an error frame, and the connection stays open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.chat.dto import message_frame
from application.shared.actor import Actor
from application.shared.ports import StorageUnavailable
from domain.shared.errors import DomainError
from entrypoints.containers.chat import ChatContainer
from entrypoints.ws.chat.connection import Handle
from entrypoints.ws.chat.frames import Inbound, message_fields


def error_frame(code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {**extra, "type": "error", "code": code, "detail": detail}


def inbound_handler(chat: ChatContainer, actor: Actor, room_id: str) -> Handle:
    async def handle(inbound: Inbound) -> Mapping[str, Any] | None:
        if inbound.type == "ping":
            return {"type": "pong"}
        if inbound.type != "message":
            return error_frame("unknown_type", f"no frame type {inbound.type[:40]!r}")
        text, client_id = message_fields(inbound.body)
        try:
            posted = await chat.post_message().execute(actor, room_id, text, client_id)
        except DomainError as refused:
            return error_frame(refused.code, refused.detail, **refused.extra)
        except StorageUnavailable:
            return error_frame("storage_unavailable", "not stored: send it again", retry_after=1)
        # A new message comes back by the bus, like everyone's copy: that is its
        # acknowledgement. One sent again (same client_id) is acknowledged here alone.
        return None if posted.created else message_frame(posted.message)

    return handle
