"""One chat socket from accept to close: catch-up, then three tasks — the reader calls
PostMessage for each frame, the writer drains this socket's own outbox, the guard closes
the socket when it falls behind or its session ends. The bus only ever touches the
outbox, so a slow or dead peer delays no one but itself."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
from starlette.websockets import WebSocket, WebSocketDisconnect

from application.shared.ports import StorageUnavailable
from entrypoints.ws.chat.feed import Direct, Frame, Outbox, RoomFeed
from entrypoints.ws.chat.frames import MAX_FRAME_BYTES, BadFrame, Inbound, parse_frame

log = logging.getLogger(__name__)

POLICY_VIOLATION, TOO_BIG, INTERNAL_ERROR, TRY_AGAIN_LATER = 1008, 1009, 1011, 1013


class CloseSocket(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


Handle = Callable[[Inbound], Awaitable[Mapping[str, Any] | None]]
"""A client frame → a frame for this socket alone (or None: the answer comes by the bus)."""


async def send(websocket: WebSocket, frame: Frame) -> None:
    await websocket.send_text(json.dumps(frame, separators=(",", ":")))


async def read_frames(websocket: WebSocket, handle: Handle, outbox: Outbox, plain: bool) -> None:
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(received.get("code", 1000))
        text = received.get("text")
        size = len(text.encode()) if text is not None else len(received.get("bytes") or b"")
        if size > MAX_FRAME_BYTES:
            raise CloseSocket(TOO_BIG, f"frames are at most {MAX_FRAME_BYTES} bytes")
        try:
            if text is None:
                raise BadFrame("binary_frame", "frames are JSON text")
            answer = await handle(parse_frame(text, plain_text_is_message=plain))
        except BadFrame as refused:
            answer = refused.frame()
        if answer is not None:
            outbox.offer(Direct(answer))


async def write_frames(websocket: WebSocket, outbox: Outbox, feed: RoomFeed) -> None:
    while True:
        for frame in await feed.frames_for(await outbox.take()):
            await send(websocket, frame)


async def guard(outbox: Outbox, session_ok: Callable[[], Awaitable[bool]], every: float) -> None:
    overflow = asyncio.ensure_future(outbox.overflowed.wait())
    try:
        while True:
            done, _ = await asyncio.wait({overflow}, timeout=every)
            if done:
                raise CloseSocket(TRY_AGAIN_LATER, "too far behind: reconnect and catch up")
            if not await session_ok():
                raise CloseSocket(POLICY_VIOLATION, "the session has ended")
    finally:
        overflow.cancel()


async def run_until_first_ends(websocket: WebSocket, *jobs: Awaitable[None]) -> None:
    """Run the socket's tasks; when one ends (the peer left, or a CloseSocket), stop the
    others and close with its code."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        with anyio.CancelScope(shield=True):  # let them finish even if we are cancelled
            await asyncio.gather(*tasks, return_exceptions=True)
    error = next(iter(done)).exception()
    if isinstance(error, WebSocketDisconnect):
        return
    if isinstance(error, CloseSocket):
        await close(websocket, error.code, error.reason)
        return
    if isinstance(error, StorageUnavailable):
        await close_for_outage(websocket, error)
        return
    if error is not None:
        log.error("chat socket failed", exc_info=error)
        await close(websocket, INTERNAL_ERROR, "internal error")


async def close_for_outage(websocket: WebSocket, error: StorageUnavailable) -> None:
    """The database (or Redis) is away: the client reconnects later and catches up. A
    warning, no traceback: an outage closes every socket, and it is no bug of ours."""
    log.warning("chat socket closed: storage unavailable (%s)", error)
    await close(websocket, TRY_AGAIN_LATER, "storage unavailable: reconnect later")


async def close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(RuntimeError, OSError):  # closed already, by either side
        await websocket.close(code, reason)
