"""The chat's WebSocket edge: `/ws/rooms/{room_id}`, and the tutorial's `/ws/chat` (the
room `general`, where a plain-text frame is a message). Each inbound message calls
PostMessage — the same use case as `POST /rooms/{id}/messages`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, WebSocket

from application.chat.dto import message_frame
from application.shared.actor import Actor
from domain.shared.errors import DomainError
from entrypoints.containers.chat import ChatContainer
from entrypoints.ws.connection import (
    POLICY_VIOLATION,
    CloseSocket,
    close,
    guard,
    read_frames,
    resync_into,
    run_until_first_ends,
    send,
    write_frames,
)
from entrypoints.ws.credentials import authenticate
from entrypoints.ws.feed import Direct, Frame, Outbox, RoomFeed
from entrypoints.ws.frames import Inbound, message_fields
from entrypoints.ws.origins import origin_allowed

router = APIRouter()
GENERAL = "general"
REPLAY_LIMIT = 500


@router.websocket("/ws/rooms/{room_id}")
async def room_socket(websocket: WebSocket, room_id: str) -> None:
    await serve_room(websocket, room_id, plain_text=False)


@router.websocket("/ws/chat")
async def tutorial_socket(websocket: WebSocket) -> None:
    await serve_room(websocket, GENERAL, plain_text=True)


def _chat(websocket: WebSocket) -> ChatContainer:
    found: ChatContainer = websocket.app.state.chat
    return found


async def serve_room(websocket: WebSocket, room_id: str, *, plain_text: bool) -> None:
    settings = websocket.app.state.chat_settings
    await websocket.accept()
    try:
        if not origin_allowed(websocket, settings.cors_origins, settings.public_url):
            raise CloseSocket(POLICY_VIOLATION, "origin not allowed")
        actor = await authenticate(websocket)
        after = _after(websocket)
        await _enter(websocket, actor, room_id)
    except CloseSocket as refused:
        await close(websocket, refused.code, refused.reason)
        return
    chat = _chat(websocket)
    outbox = Outbox(settings.queue_frames)
    subscription = await chat.bus().subscribe(room_id, outbox.offer, resync_into(outbox))
    try:
        feed = await _catch_up(websocket, actor, room_id, after, outbox)
        await run_until_first_ends(
            websocket,
            read_frames(websocket, _handler(websocket, actor, room_id), outbox, plain_text),
            write_frames(websocket, outbox, feed),
            guard(outbox, lambda: chat.check_session().execute(actor), settings.session_check),
        )
    finally:
        await subscription.close()


def _after(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("after")
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise CloseSocket(POLICY_VIOLATION, "`after` must be a message id")
    return int(raw)


async def _enter(websocket: WebSocket, actor: Actor, room_id: str) -> None:
    try:
        await _chat(websocket).join_room().execute(actor, room_id)
    except DomainError as refused:
        raise CloseSocket(POLICY_VIOLATION, refused.code) from None


async def _catch_up(
    websocket: WebSocket, actor: Actor, room_id: str, after: int | None, outbox: Outbox
) -> RoomFeed:
    """After subscribing, so nothing posted meanwhile falls between replay and live."""
    read = _chat(websocket).read_messages()

    async def read_after(after_id: int, limit: int) -> list[Frame]:
        page = await read.execute(actor, room_id, after=after_id, limit=limit)
        return [message_frame(m) for m in page.items]

    first = await read.execute(actor, room_id, after=after or 0, limit=1)
    feed = RoomFeed(read_after, last_id=first.last_id, gap_limit=100)
    if after is not None and after < first.last_id:
        if first.last_id - after > REPLAY_LIMIT:
            await send(websocket, {"type": "reset", "room_id": room_id, "last_id": first.last_id})
        else:
            feed.last_id = after
            while replayed := await feed.fill():
                for frame in replayed:
                    await send(websocket, frame)
    await send(websocket, {"type": "ready", "room_id": room_id, "last_id": feed.last_id})
    return feed


def _handler(websocket: WebSocket, actor: Actor, room_id: str):  # type: ignore[no-untyped-def]
    chat = _chat(websocket)

    async def handle(inbound: Inbound) -> Mapping[str, Any] | None:
        if inbound.type == "ping":
            return {"type": "pong"}
        if inbound.type != "message":
            return {"type": "error", "code": "unknown_type", "detail": f"no frame type {inbound.type!r}"}
        text, client_id = message_fields(inbound.body)
        try:
            posted = await chat.post_message().execute(actor, room_id, text, client_id)
        except DomainError as refused:
            return {"type": "error", "code": refused.code, "detail": refused.detail, **refused.extra}
        # A new message reaches this socket by the bus like everyone's; one sent again
        # (same client_id) is acknowledged here, to this socket only.
        return None if posted.created else message_frame(posted.message)

    return handle
