"""The chat's WebSocket edge: `/ws/rooms/{room_id}`, and the tutorial's `/ws/chat` (the
room `general`, where a plain-text frame is a message). Each inbound message calls
PostMessage, the use case behind `POST /rooms/{id}/messages` too.

Connecting: Origin and credentials are checked, the room must be readable (a public one
is joined), then the socket subscribes to the bus *before* reading storage, so a message
posted during catch-up is either replayed or arrives live, and the feed drops what it
already sent: no gap, no duplicate."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

import anyio
from fastapi import APIRouter, WebSocket

from application.chat.dto import MessagesRead, message_frame
from application.chat.presence import OnlineUser
from application.chat.use_cases.messages import MESSAGE_ID_MAX, REPLAY_MAX
from application.shared.actor import Actor
from application.shared.ports import StorageUnavailable
from domain.shared.errors import DomainError
from entrypoints.containers.chat import ChatContainer
from entrypoints.ws.chat.connection import (
    POLICY_VIOLATION,
    CloseSocket,
    close,
    close_for_outage,
    guard,
    read_frames,
    run_until_first_ends,
    send,
    write_frames,
)
from entrypoints.ws.chat.credentials import authenticate
from entrypoints.ws.chat.feed import Frame, Outbox, Resync, RoomFeed
from entrypoints.ws.chat.inbound import inbound_handler
from entrypoints.ws.chat.origins import origin_allowed
from entrypoints.ws.chat.settings import SocketSettings

log = logging.getLogger(__name__)
router = APIRouter()
GENERAL = "general"
GAP_READ = 100  # stored messages read at once to fill a gap the bus left
CLEANUP_SECONDS = 5.0
SessionCheck = Callable[[], Awaitable[bool]]


@router.websocket("/ws/rooms/{room_id}")
async def room_socket(websocket: WebSocket, room_id: str) -> None:
    await serve_room(websocket, room_id, plain_text=False)


@router.websocket("/ws/chat")
async def tutorial_socket(websocket: WebSocket) -> None:
    await serve_room(websocket, GENERAL, plain_text=True)


def chat_of(websocket: WebSocket) -> ChatContainer:
    found: ChatContainer = websocket.app.state.chat
    return found


async def serve_room(websocket: WebSocket, room_id: str, *, plain_text: bool) -> None:
    settings: SocketSettings = websocket.app.state.chat_sockets
    chat = chat_of(websocket)
    # Accepted first so that a refusal is a close code the client can read (1008), not a
    # bare HTTP 403; nothing is sent before the checks pass.
    await websocket.accept()
    try:
        if not origin_allowed(websocket, settings.allowed_origins, settings.public_url):
            raise CloseSocket(POLICY_VIOLATION, "origin not allowed")
        actor = await authenticate(websocket)
        after = _after(websocket)
        await _join(chat, actor, room_id)
    except CloseSocket as refused:
        await close(websocket, refused.code, refused.reason)
        return
    except StorageUnavailable as outage:
        await close_for_outage(websocket, outage)
        return
    outbox = Outbox(settings.queue_frames)
    subscription = await chat.bus().subscribe(room_id, outbox.offer, lambda: outbox.offer(Resync()))
    connection_id = secrets.token_hex(8)
    user: OnlineUser | None = None
    try:
        feed = await _catch_up(websocket, chat, actor, room_id, after)
        user = await _enter(chat, actor, room_id, connection_id)
        await run_until_first_ends(
            websocket,
            read_frames(websocket, inbound_handler(chat, actor, room_id), outbox, plain_text),
            write_frames(websocket, outbox, feed),
            guard(outbox, _still_allowed(chat, actor, room_id), settings.session_check_seconds),
        )
    except CloseSocket as refused:  # the room went out of reach during the catch-up
        await close(websocket, refused.code, refused.reason)
    except StorageUnavailable as outage:  # during the catch-up
        await close_for_outage(websocket, outage)
    finally:
        # Shielded (and bounded, each step on its own): a server shutting down cancels
        # the handler, and the room must still hear this socket leave.
        if user is not None:
            with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
                await _exit(chat, user, room_id, connection_id)
        with anyio.move_on_after(CLEANUP_SECONDS, shield=True):
            await subscription.close()


def _after(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("after")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15 or int(raw) > MESSAGE_ID_MAX:
        raise CloseSocket(POLICY_VIOLATION, "`after` must be a message id")
    return int(raw)


def _still_allowed(chat: ChatContainer, actor: Actor, room_id: str) -> SessionCheck:
    """Checked every few seconds: the login session stands (no logout, same role) and the
    room is still readable (a private room left, or its membership lost, closes it)."""

    async def check() -> bool:
        if not await chat.check_session().execute(actor):
            return False
        try:
            await chat.get_room().execute(actor, room_id)
        except DomainError:
            return False
        return True

    return check


async def _join(chat: ChatContainer, actor: Actor, room_id: str) -> None:
    try:
        await chat.join_room().execute(actor, room_id)
    except DomainError as refused:
        raise CloseSocket(POLICY_VIOLATION, refused.code) from None


async def _catch_up(
    websocket: WebSocket, chat: ChatContainer, actor: Actor, room_id: str, after: int | None
) -> RoomFeed:
    """Replay what the client missed (`after` its last id seen), then say `ready`; more
    than REPLAY_MAX missed is a `reset`: the client pages the history over HTTP."""
    replay = chat.replay_messages()

    async def read(after_id: int, limit: int) -> MessagesRead:
        try:
            return await replay.execute(actor, room_id, after=after_id, limit=limit)
        except DomainError as refused:  # the room left, or no longer readable
            raise CloseSocket(POLICY_VIOLATION, refused.code) from None

    async def read_after(after_id: int, limit: int) -> list[Frame]:
        return [message_frame(message) for message in (await read(after_id, limit)).items]

    # Without `after`, only the room's latest id is wanted.
    first = await read(after or 0, REPLAY_MAX + 1 if after is not None else 1)

    feed = RoomFeed(read_after, last_id=first.last_id, gap_limit=GAP_READ)
    if after is not None and after < first.last_id:
        if len(first.items) > REPLAY_MAX:
            await send(websocket, {"type": "reset", "room_id": room_id, "last_id": first.last_id})
        else:
            for message in first.items:
                await send(websocket, message_frame(message))
    await send(websocket, {"type": "ready", "room_id": room_id, "last_id": feed.last_id})
    return feed


async def _enter(
    chat: ChatContainer, actor: Actor, room_id: str, connection: str
) -> OnlineUser | None:
    try:
        return await chat.enter_room().execute(actor, room_id, connection)
    except StorageUnavailable as outage:  # presence is advisory: chatting goes on (Redis away)
        log.warning("presence unavailable on enter: %s", outage)  # an outage: no traceback
        return None
    except Exception:
        log.warning("presence failed on enter", exc_info=True)
        return None


async def _exit(chat: ChatContainer, user: OnlineUser, room_id: str, connection: str) -> None:
    try:
        await chat.exit_room().execute(user, room_id, connection)
    except StorageUnavailable as outage:
        log.warning("presence unavailable on exit: %s", outage)
    except Exception:
        log.warning("presence failed on exit", exc_info=True)
