"""Real WebSocket clients of the chat (the `websockets` package's asyncio client): each
reads every frame as it comes, keeps the room's messages in arrival order, and can send
messages the way a patient client does (resending, with the same client_id, after a
`rate_limited` error)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.chat_cluster import User

Frame = dict[str, Any]


class ChatClient:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.frames: list[Frame] = []  # every frame, in order
        self.messages: list[Frame] = []  # the message frames, in order
        self.arrived: dict[int, float] = {}  # message id → time.monotonic() on arrival
        self.ready: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self.errors: asyncio.Queue[Frame] = asyncio.Queue()
        self._acks: dict[str, asyncio.Future[Frame]] = {}
        self.sent_at: dict[str, float] = {}  # client_id → time.monotonic() when first sent
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(
        cls,
        url: str,
        user: User | None = None,
        *,
        origin: str | None = None,
        wait_ready: bool = True,
        **options: Any,
    ) -> ChatClient:
        socket = await connect(
            url,
            additional_headers=user.headers if user is not None else None,
            origin=origin,  # type: ignore[arg-type]
            proxy=None,
            max_size=None,
            **options,
        )
        client = cls(socket)
        if wait_ready:
            await asyncio.wait_for(asyncio.shield(client.ready), 10)
        return client

    @property
    def ids(self) -> list[int]:
        return [int(m["id"]) for m in self.messages]

    @property
    def last_id(self) -> int:
        return self.ids[-1] if self.messages else int(self.ready.result()["last_id"])

    async def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in self.socket:
                frame: Frame = json.loads(raw)
                self.frames.append(frame)
                kind = frame.get("type")
                if kind == "ready" and not self.ready.done():
                    self.ready.set_result(frame)
                elif kind == "message":
                    self.messages.append(frame)
                    self.arrived[int(frame["id"])] = time.monotonic()
                    waiting = self._acks.pop(str(frame.get("client_id")), None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(frame)
                elif kind == "error":
                    self.errors.put_nowait(frame)
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before ready: {self.close_code}"))

    @property
    def close_code(self) -> int | None:
        return self.socket.close_code

    async def closed(self, within: float = 10) -> int | None:
        """Waits for the connection to end; its close code (1006 when dropped)."""
        await asyncio.wait_for(asyncio.shield(self._reader), within)
        return self.close_code

    async def post(self, text: str, client_id: str | None = None) -> Frame:
        """Sends a message and waits for its acknowledgement (the room's copy of it)."""
        client_id = client_id or uuid.uuid4().hex
        while True:
            ack = asyncio.get_running_loop().create_future()
            self._acks[client_id] = ack
            frame = {"type": "message", "text": text, "client_id": client_id}
            self.sent_at.setdefault(client_id, time.monotonic())
            await self.socket.send(json.dumps(frame))
            error = asyncio.ensure_future(self.errors.get())
            done, _ = await asyncio.wait({ack, error}, timeout=10, return_when="FIRST_COMPLETED")
            if ack in done:
                error.cancel()
                acked: Frame = ack.result()
                return acked
            ack.cancel()
            if error not in done:
                raise TimeoutError(f"no answer to {client_id}")
            refused = error.result()
            assert refused["code"] == "rate_limited", refused
            await asyncio.sleep(float(refused.get("retry_after", 0.1)))

    async def post_many(self, count: int, tag: str) -> list[Frame]:
        return [await self.post(f"{tag} #{n}") for n in range(count)]

    async def wait_for_count(self, count: int, within: float = 15) -> None:
        deadline = time.monotonic() + within
        while len(self.messages) < count and time.monotonic() < deadline:
            if self._reader.done():
                break
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        await self.socket.close()
        await asyncio.gather(self._reader, return_exceptions=True)


async def open_all(urls_and_users: list[tuple[str, User]], **options: Any) -> list[ChatClient]:
    return list(
        await asyncio.gather(
            *(ChatClient.open(url, user, **options) for url, user in urls_and_users)
        )
    )


async def close_all(clients: list[ChatClient]) -> None:
    await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


def assert_every_message_once_in_order(clients: list[ChatClient], total: int) -> None:
    for n, client in enumerate(clients):
        assert client.ids == list(range(1, total + 1)), (
            f"client {n}: {len(client.ids)} messages, first wrong at "
            f"{next((i for i, m in enumerate(client.ids) if m != i + 1), None)}"
        )
